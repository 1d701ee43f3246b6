// The command runner: validates a catalog-changing statement against the catalog, writes it
// to the command topic (a persistent query's command with its step tree), and applies it; on
// start it replays the command topic the same way, running stored plans without planning.

import type { Statement } from '../parser/ast.js';
import type { StoredQueryPlan } from '../runtime/contract.js';
import { KsqlError, type KsqlEntity } from './api.js';
import { COMMAND_LOG_VERSION, type CommandLog } from './command-log.js';
import { parseSingle } from './parse.js';
import type { EngineContext, Prepared, Session } from './statements/context.js';
import { prepareCreateAsSelect } from './statements/create-as-select.js';
import { prepareCreateType, prepareDropType } from './statements/custom-types.js';
import { prepareCreateConnector, prepareDropConnector } from './statements/connectors.js';
import { prepareInsertInto } from './statements/insert-into.js';
import { prepareQueryControl } from './statements/query-control.js';
import { prepareAlterSource, prepareCreateSource, prepareDropSource } from './statements/sources.js';

export class CommandRunner {
  constructor(
    private readonly commandLog: CommandLog,
    private readonly ctx: EngineContext,
  ) {}

  /** Runs a distributed statement: appends its command, then applies it at that sequence number. */
  async run(stmt: Statement, session: Session): Promise<KsqlEntity | undefined> {
    const sequence = await this.commandLog.nextSequence();
    const prepared = await this.prepare(stmt, session, sequence);
    if (!prepared) return undefined;
    if (prepared.commandId === '') return prepared.apply(sequence);
    const written = await this.commandLog.append(prepared.commandId, {
      statement: stmt.text,
      streamsProperties: { ...session.overrides },
      originalProperties: {},
      ...(prepared.plan ? { plan: this.ctx.queries.service.storePersistent(prepared.plan) } : {}),
      version: COMMAND_LOG_VERSION,
    });
    if (written !== sequence) {
      throw new KsqlError(`Command topic ${this.commandLog.topic} moved while executing: expected offset ${sequence}, got ${written}`, 50000);
    }
    return prepared.apply(sequence);
  }

  /** Rebuilds the catalog from the command topic, then starts the queries still alive. */
  async replay(): Promise<void> {
    const commands = await this.commandLog.readAll();
    this.ctx.queries.replaying = true;
    try {
      for (const c of commands) {
        const session: Session = { overrides: { ...c.command.streamsProperties }, variables: {} };
        try {
          const stmt = parseSingle(c.command.statement);
          const prepared = await this.prepare(stmt, session, c.sequence, c.command.plan);
          if (prepared) await prepared.apply(c.sequence);
        } catch (e) {
          process.emitWarning(`Skipping command ${c.commandId} (#${c.sequence}) on replay: ${(e as Error).message}`);
        }
      }
    } finally {
      this.ctx.queries.replaying = false;
    }
    this.ctx.queries.startRegistered();
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
        return prepareCreateAsSelect(ctx, stmt, session, sequence, stored);
      case 'InsertInto':
        return prepareInsertInto(ctx, stmt, session, sequence, stored);
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
