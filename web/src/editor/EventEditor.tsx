// The event editor dialog (first version: shows the event; the form follows).
import type { EditorProps } from "../contract";

export function EventEditor(props: EditorProps) {
  const editing = props.occurrence !== null;
  return (
    <div class="editor-backdrop">
      <div class="editor" role="dialog" aria-modal="true" aria-labelledby="editor-heading">
        <h2 id="editor-heading">{editing ? "Edit event" : "New event"}</h2>
        <p>{props.occurrence?.event.title ?? ""}</p>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </div>
  );
}
