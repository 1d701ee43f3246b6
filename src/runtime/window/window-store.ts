// What window modules need of the aggregation's state store (src/runtime/aggregate/
// state-store.ts satisfies it), named here so this folder does not import that one.

import type Database from 'better-sqlite3';

export interface WindowEntry {
  key: unknown[];
  start: number;
  end: number;
  states: unknown[];
  rowtime: number;
  final?: boolean;
}

export interface WindowStore {
  readonly streamTime: number;
  readonly database: Database.Database;
  get(key: unknown[], start?: number, end?: number): WindowEntry | undefined;
  put(entry: WindowEntry): void;
  delete(key: unknown[], start?: number, end?: number): void;
  windowsStartingIn(key: unknown[], from: number, to: number): WindowEntry[];
  openWindows(): WindowEntry[];
  onFlush(listener: () => void): void;
  onDiscard(listener: () => void): void;
}
