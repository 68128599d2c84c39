"""Read aurora_cloud/template.yaml and create its resources (on moto).

The local stack and the tests build the table, the user pool and its client
from the template's own definitions, and learn the API routes (and which are
public) from the API function's HttpApi events: one source of truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from aurora_core import wire

STACK_NAME = "aurora-local"
NO_VALUE: Any = object()  # Ref AWS::NoValue: the property is left out
# UserPool properties CloudFormation sets through other calls than CreateUserPool
POOL_TEMPLATE_ONLY = ("EnabledMfas", "UserPoolName")


class _CfnLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no stubs here
    """YAML loader that understands CloudFormation's short tags (!Ref, !Sub…)."""


def _tag(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}
    return construct


for _short, _long in [("Ref", "Ref"), ("Sub", "Fn::Sub"), ("GetAtt", "Fn::GetAtt"),
                      ("Join", "Fn::Join"), ("If", "Fn::If"), ("Equals", "Fn::Equals"),
                      ("Select", "Fn::Select"), ("Split", "Fn::Split"), ("Not", "Fn::Not"),
                      ("And", "Fn::And"), ("Or", "Fn::Or"), ("Condition", "Condition")]:
    _CfnLoader.add_constructor(f"!{_short}", _tag(_long))


def template_text() -> str:
    return resources.files("aurora_cloud").joinpath("template.yaml").read_text("utf-8")


def load_template(text: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(text or template_text(), Loader=_CfnLoader)
    return data


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "/events/{event_id}"
    public: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters if ``method path`` is this route."""
        if method.upper() != self.method:
            return None
        names = re.findall(r"{(\w+)}", self.path)
        pattern = "^" + re.sub(r"{\w+}", "([^/]+)", re.escape(self.path).replace(
            r"\{", "{").replace(r"\}", "}")) + "$"
        m = re.match(pattern, path)
        if not m:
            return None
        return dict(zip(names, m.groups(), strict=True))


class Template:
    """The parts of the template the local stack needs, with intrinsics resolved."""

    def __init__(self, data: dict[str, Any] | None = None, *, region: str = "us-east-1",
                 account: str = "123456789012", stack_name: str = STACK_NAME) -> None:
        self.data = data or load_template()
        self.region = region
        self.account = account
        self.stack_name = stack_name
        self.refs: dict[str, str] = {}  # physical ids of created resources

    def parameter(self, name: str) -> Any:
        return self.data["Parameters"][name].get("Default")

    def resource(self, logical: str) -> dict[str, Any]:
        res: dict[str, Any] = self.data["Resources"][logical]
        return res

    def resolve(self, value: Any) -> Any:
        """Resolve Ref/Sub of parameters, pseudo parameters and created resources."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self._ref(value["Ref"])
        if set(value) == {"Fn::Sub"}:
            text = value["Fn::Sub"]
            return re.sub(r"\$\{([\w:.]+)\}", lambda m: str(self._ref(m.group(1))), text)
        if set(value) == {"Fn::If"}:
            name, yes, no = value["Fn::If"]
            return self.resolve(yes if self.condition(name) else no)
        out = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    def condition(self, name: str) -> bool:
        """The value of a condition of the template's Conditions (Equals, Not, And, Or)."""
        return bool(self._evaluate(self.data.get("Conditions", {})[name]))

    def _evaluate(self, expr: Any) -> Any:
        if isinstance(expr, dict) and len(expr) == 1:
            (fn, args), = expr.items()
            if fn == "Fn::Equals":
                a, b = (self._evaluate(x) for x in args)
                return str(a) == str(b)
            if fn == "Fn::Not":
                return not self._evaluate(args[0])
            if fn == "Fn::And":
                return all(self._evaluate(x) for x in args)
            if fn == "Fn::Or":
                return any(self._evaluate(x) for x in args)
            if fn == "Condition":
                return self.condition(str(args))
        return self.resolve(expr)

    def _ref(self, name: str) -> Any:
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": self.account,
                  "AWS::StackName": self.stack_name, "AWS::Partition": "aws",
                  "AWS::URLSuffix": "amazonaws.com"}
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.data.get("Parameters", {}):
            return self.parameter(name)
        if name in self.refs:
            return self.refs[name]
        res = self.data.get("Resources", {}).get(name, {})
        if res.get("Type") == "AWS::SES::ConfigurationSet":  # Ref is the Name given
            return self.ses_configuration_set()
        if self.data.get("Resources", {}).get(name, {}).get("Type") == \
                "AWS::SecretsManager::Secret":  # Ref is its ARN; the local stack keeps its own
            return (f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:"
                    f"{self.stack_name}-{name}")
        raise KeyError(f"cannot resolve {name!r} locally")

    # -- resources --------------------------------------------------------

    def table_name(self) -> str:
        return f"{self.stack_name}-Table"

    def create_table_args(self) -> dict[str, Any]:
        props = self.resolve(self.resource("Table")["Properties"])
        args = {k: props[k] for k in ("AttributeDefinitions", "KeySchema",
                                      "GlobalSecondaryIndexes", "BillingMode")}
        args["TableName"] = self.table_name()
        return args

    def ttl_attribute(self) -> str:
        spec = self.resource("Table")["Properties"]["TimeToLiveSpecification"]
        return str(spec["AttributeName"])

    def create_user_pool_args(self) -> dict[str, Any]:
        props = self.resolve(self.resource("UserPool")["Properties"])
        args = {k: v for k, v in props.items() if k not in POOL_TEMPLATE_ONLY}
        args["PoolName"] = props["UserPoolName"]
        return args

    def ses_configuration_set(self) -> str:
        """The name of the SES configuration set every mail is sent with."""
        return str(self.resolve(self.resource("SesConfigurationSet")["Properties"]["Name"]))

    def create_client_args(self, pool_id: str) -> dict[str, Any]:
        self.refs["UserPool"] = pool_id
        props = self.resolve(self.resource("UserPoolClient")["Properties"])
        return dict(props)

    def password_policy(self) -> wire.PasswordPolicy:
        """The user pool's PasswordPolicy, as GET /config tells clients."""
        policy = self.resolve(self.resource("UserPool")["Properties"]["Policies"]
                              ["PasswordPolicy"])
        return wire.PasswordPolicy(
            min_length=int(policy.get("MinimumLength", 8)),
            require_lowercase=bool(policy.get("RequireLowercase", True)),
            require_uppercase=bool(policy.get("RequireUppercase", True)),
            require_numbers=bool(policy.get("RequireNumbers", True)),
            require_symbols=bool(policy.get("RequireSymbols", True)))

    def token_seconds(self, token: str) -> int:
        """The app client's validity of ``token`` (AccessToken, IdToken, RefreshToken)
        in seconds, with its TokenValidityUnits (Cognito's defaults if absent)."""
        props = self.resource("UserPoolClient")["Properties"]
        defaults = {"AccessToken": (1, "hours"), "IdToken": (1, "hours"),
                    "RefreshToken": (30, "days")}
        value = props.get(f"{token}Validity", defaults[token][0])
        unit = (props.get("TokenValidityUnits") or {}).get(token, defaults[token][1])
        seconds = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[unit]
        return int(value) * seconds

    def function_timeout(self, logical: str) -> float:
        """A function's Timeout in seconds (its own, else the Globals', else Lambda's 3)."""
        own = self.resource(logical)["Properties"].get("Timeout")
        if own is None:
            own = self.data.get("Globals", {}).get("Function", {}).get("Timeout", 3)
        return float(self.resolve(own))

    def routes(self) -> list[Route]:
        """The API function's routes, static paths before parameterised ones."""
        out = []
        api = self.resource("ApiFunction")["Properties"]["Events"]
        for ev in api.values():
            if ev["Type"] != "HttpApi":
                continue
            p = ev["Properties"]
            public = (p.get("Auth") or {}).get("Authorizer") == "NONE"
            out.append(Route(str(p["Method"]).upper(), str(p["Path"]), public))
        out.sort(key=lambda r: ("{" in r.path, r.path))
        return out

    def create_all(self, session: Any, endpoint: str) -> dict[str, str]:
        """Create the table, pool and client on ``endpoint``; returns their ids."""
        ddb = session.client("dynamodb", endpoint_url=endpoint)
        ddb.create_table(**self.create_table_args())
        ddb.update_time_to_live(TableName=self.table_name(), TimeToLiveSpecification={
            "AttributeName": self.ttl_attribute(), "Enabled": True})
        ses = session.client("ses", endpoint_url=endpoint)
        ses.create_configuration_set(ConfigurationSet={"Name": self.ses_configuration_set()})
        idp = session.client("cognito-idp", endpoint_url=endpoint)
        pool = idp.create_user_pool(**self.create_user_pool_args())["UserPool"]
        self.refs["UserPool"] = pool["Id"]
        client = idp.create_user_pool_client(**self.create_client_args(pool["Id"]))
        ids = {"table": self.table_name(), "user_pool_id": pool["Id"],
               "client_id": client["UserPoolClient"]["ClientId"]}
        self.refs.update({"Table": ids["table"], "UserPool": ids["user_pool_id"],
                          "UserPoolClient": ids["client_id"]})
        return ids
