// The command runner: validates a catalog-changing statement against the catalog, writes it
// to the command topic (a persistent query's command with its step tree), and applies it; on
// start it replays the command topic the same way, running stored plans without planning.
// Several servers with one service id share the command topic: each applies every command
// once and in topic order, its own and (through catchUp, before each statement and on a
// timer) the others'.

import type { Statement } from '../parser/ast.js';
import type { StoredQueryPlan } from '../runtime/contract.js';
import { KsqlError, type KsqlEntity } from './api.js';
import { COMMAND_LOG_VERSION, type CommandLog, type StoredCommand } from './command-log.js';
import { parseSingle } from './parse.js';
import type { EngineContext, Prepared, Session } from './statements/context.js';
import { prepareCreateAsSelect } from './statements/create-as-select.js';
import { prepareCreateType, prepareDropType } from './statements/custom-types.js';
import { prepareCreateConnector, prepareDropConnector } from './statements/connectors.js';
import { prepareInsertInto } from './statements/insert-into.js';
import { prepareQueryControl } from './statements/query-control.js';
import { prepareAlterSource, prepareCreateSource, prepareDropSource } from './statements/sources.js';

/**
 * `eddy.query.ids=sequential` numbers persistent queries 0, 1, 2, … in the order they are
 * applied, as ksqlDB's engine does without a command topic (headless mode, its test driver);
 * by default a query's number is its command's sequence number, as ksqlDB's server's.
 */
export const QUERY_IDS = 'eddy.query.ids';

export class CommandRunner {
  /** The sequence number of the next command this server has not applied. */
  private applied = 0;
  /** Persistent queries applied so far (the next sequential query number). */
  private queriesApplied = 0;

  constructor(
    private readonly commandLog: CommandLog,
    private readonly ctx: EngineContext,
  ) {}

  /** Runs a distributed statement: appends its command, then applies it at that sequence number. */
  async run(stmt: Statement, session: Session): Promise<KsqlEntity | undefined> {
    await this.catchUp();
    const sequence = await this.commandLog.nextSequence();
    const prepared = await this.prepare(stmt, session, sequence);
    if (!prepared) return undefined;
    if (prepared.commandId === '') return prepared.apply(sequence);
    const command = {
      statement: stmt.text,
      streamsProperties: { ...session.overrides },
      originalProperties: {},
      ...(prepared.plan ? { plan: this.ctx.queries.service.storePersistent(prepared.plan) } : {}),
      version: COMMAND_LOG_VERSION,
    };
    const written = await this.commandLog.append(prepared.commandId, command);
    if (written === sequence) {
      this.applied = written + 1;
      return prepared.apply(sequence);
    }
    // Another server appended first: apply its commands, then this one as every server will (from the topic).
    await this.catchUp(written);
    this.applied = written + 1;
    const again = await this.prepare(stmt, session, written, command.plan);
    if (!again) return undefined;
    return again.apply(written);
  }

  /**
   * Applies the commands other servers appended since this one last applied (up to `before`
   * when given). A command that fails here fails on every server alike: it is skipped with a warning.
   */
  async catchUp(before?: number): Promise<void> {
    const commands = await this.commandLog.readAll(this.applied);
    for (const c of commands) {
      if (before !== undefined && c.sequence >= before) break;
      if (c.sequence < this.applied) continue;
      this.applied = c.sequence + 1;
      await this.applyStored(c);
    }
  }

  private async applyStored(c: StoredCommand): Promise<void> {
    const session: Session = { overrides: { ...c.command.streamsProperties }, variables: {} };
    try {
      const stmt = parseSingle(c.command.statement);
      const prepared = await this.prepare(stmt, session, c.sequence, c.command.plan);
      if (prepared) await prepared.apply(c.sequence);
    } catch (e) {
      process.emitWarning(`Skipping command ${c.commandId} (#${c.sequence}): ${(e as Error).message}`);
    }
  }

  /** Rebuilds the catalog from the command topic, then starts the queries still alive. */
  async replay(): Promise<void> {
    const commands = await this.commandLog.readAll();
    this.ctx.queries.replaying = true;
    try {
      for (const c of commands) {
        this.applied = c.sequence + 1;
        await this.applyStored(c);
      }
    } finally {
      this.ctx.queries.replaying = false;
    }
    this.ctx.queries.startRegistered();
  }

  private queryNumber(sequence: number): number {
    return String(this.ctx.config[QUERY_IDS] ?? '').toLowerCase() === 'sequential' ? this.queriesApplied : sequence;
  }

  /** A persistent query's command that counts, once applied, for the sequential numbers. */
  private countingQuery(prepared: Prepared | undefined): Prepared | undefined {
    if (!prepared) return undefined;
    const apply = prepared.apply;
    return {
      ...prepared,
      apply: async (sequence) => {
        const entity = await apply(sequence);
        this.queriesApplied++;
        return entity;
      },
    };
  }

  /**
   * Validates a catalog-changing statement and returns what applying it does; `sequence`
   * is the command sequence number it will have; `stored`, on replay, the plan its command
   * holds (run instead of planning the statement again). Returns undefined for no-ops.
   */
  private async prepare(stmt: Statement, session: Session, sequence: number, stored?: StoredQueryPlan): Promise<Prepared | undefined> {
    const ctx = this.ctx;
    switch (stmt.kind) {
      case 'CreateSource':
        return prepareCreateSource(ctx, stmt, session, sequence, stored);
      case 'CreateAsSelect':
        return this.countingQuery(await prepareCreateAsSelect(ctx, stmt, session, this.queryNumber(sequence), stored));
      case 'InsertInto':
        return this.countingQuery(await prepareInsertInto(ctx, stmt, session, this.queryNumber(sequence), stored));
      case 'DropSource':
        return prepareDropSource(ctx, stmt);
      case 'AlterSource':
        return prepareAlterSource(ctx, stmt);
      case 'CreateType':
        return prepareCreateType(ctx, stmt);
      case 'DropType':
        return prepareDropType(ctx, stmt);
      case 'CreateConnector':
        return prepareCreateConnector(ctx, stmt);
      case 'DropConnector':
        return prepareDropConnector(ctx, stmt);
      case 'TerminateQuery':
      case 'PauseQuery':
      case 'ResumeQuery':
        return prepareQueryControl(ctx, stmt);
      default:
        throw new KsqlError(`Unsupported statement: ${stmt.kind}`);
    }
  }
}
