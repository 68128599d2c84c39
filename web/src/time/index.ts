export * from "./zone";
export * from "./format";
