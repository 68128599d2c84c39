"""Aurora Time's serverless backend: API, storage, reminder dispatcher and local stack.

Layers: ``api`` (thin Powertools handlers) -> ``logic`` (the rules) ->
``storage`` (one DynamoDB module taking an injected boto3 client).
``local`` runs the whole thing on 127.0.0.1 on top of moto.
"""
