// The schedule views the shell shows (see web/src/contract.ts).
import "../views.css";
export { AgendaView } from "./agenda";
export { WeekView } from "./week";
export { MonthView } from "./month";
export { viewRange } from "./range";
