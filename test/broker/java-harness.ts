// The Java client harness: kafka-clients' classpath from the local Maven repository
// (test/broker/java/pom.xml) and a child-process runner, for the Java interop tests.

import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export const JAVA_DIR = path.join(import.meta.dirname, 'java');
const HOW = 'install a JDK and Maven (apt-get install default-jdk-headless maven) and run: mvn -f test/broker/java/pom.xml dependency:build-classpath';

/** The classpath of kafka-clients from the local Maven repository, or why it is not there. */
export function classpath(dir: string): { cp?: string; why?: string } {
  for (const tool of ['java', 'javac', 'mvn']) {
    const r = spawnSync(tool, ['-version'], { encoding: 'utf8' });
    if (r.error) return { why: `${tool} is missing; ${HOW}` };
  }
  const out = path.join(dir, 'classpath.txt');
  const args = ['-q', '-f', path.join(JAVA_DIR, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${out}`];
  // Offline first (the artefacts are cached in ~/.m2); CI may fetch them from Maven Central.
  let r = spawnSync('mvn', ['-o', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 && process.env.CI === 'true') r = spawnSync('mvn', args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !fs.existsSync(out)) return { why: `kafka-clients is not in the local Maven repository (${(r.stdout + r.stderr).trim().split('\n').pop()}); ${HOW}` };
  return { cp: fs.readFileSync(out, 'utf8').trim() };
}

export function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

