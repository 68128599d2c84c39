// The event editor dialog the shell opens (see web/src/contract.ts).
export { EventEditor } from "./EventEditor";
