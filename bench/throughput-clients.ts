/**
 * Child process for the throughput bench: N socket connections, each sending `lease.grant` back to
 * back (one request in flight per connection). Runs apart from the daemon so they do not share an
 * event loop. Prints one JSON summary line on stdout.
 *
 * argv[2]: JSON { socket, connections, warmupMs, durationMs, secretName, ttl, daemonPid }
 */
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';

export interface ClientsConfig {
  socket: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  secretName: string;
  ttl: string;
  daemonPid: number;
}

export interface ClientsSummary {
  completed: number;
  errors: number;
  firstError: string | null;
  windowMs: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** CPU used during the measured window, as a share of one core. */
  daemonCpu: number;
  clientCpu: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientsConfig;
const NEWLINE = 0x0a;

/** utime + stime of a process in seconds (Linux, USER_HZ assumed 100). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

let latencies = new Float64Array(1 << 18);
let completed = 0;
let errors = 0;
let firstError: string | null = null;
let measureStart = Infinity;
let measureEnd = Infinity;

function record(latency: number): void {
  if (completed === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[completed++] = latency;
}

class Client {
  private nextId = 0;
  private sentAt = 0;
  private pending: Buffer[] = [];
  private readonly prefix: string;
  private readonly suffix: string;
  done!: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly socket: Socket,
    index: number,
  ) {
    const params = JSON.stringify({ secret_name: config.secretName, client_id: `bench-client-${index}`, ttl: config.ttl });
    this.prefix = '{"jsonrpc":"2.0","method":"lease.grant","params":' + params + ',"id":';
    this.suffix = '}\n';
    this.done = new Promise((r) => (this.finish = r));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(`socket error: ${error.message}`));
    socket.on('close', () => this.finish());
  }

  send(): void {
    this.sentAt = performance.now();
    this.socket.write(this.prefix + ++this.nextId + this.suffix);
  }

  private fail(message: string): void {
    errors++;
    firstError ??= message;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, index);
      start = index + 1;
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.onAnswer(line);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private onAnswer(line: Buffer): void {
    const now = performance.now();
    const message = JSON.parse(line.toString('utf8')) as { id?: number; result?: { lease_id?: string }; error?: { message: string } };
    if (message.error || !message.result?.lease_id) {
      errors++;
      firstError ??= JSON.stringify(message.error ?? message).slice(0, 300);
    } else if (now >= measureStart && now <= measureEnd) {
      record(now - this.sentAt);
    }
    if (now < measureEnd) this.send();
    else this.socket.end();
  }
}

function connect(index: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(config.socket);
    socket.once('connect', () => resolve(new Client(socket, index)));
    socket.once('error', reject);
  });
}

async function main(): Promise<void> {
  const clients = await Promise.all(Array.from({ length: config.connections }, (_, i) => connect(i)));
  const t0 = performance.now();
  measureStart = t0 + config.warmupMs;
  measureEnd = measureStart + config.durationMs;
  let daemonCpu0 = 0;
  let clientCpu0 = 0;
  setTimeout(() => {
    daemonCpu0 = cpuSeconds(config.daemonPid);
    const u = process.cpuUsage();
    clientCpu0 = (u.user + u.system) / 1e6;
  }, config.warmupMs);
  let daemonCpu = Number.NaN;
  let clientCpu = Number.NaN;
  setTimeout(() => {
    daemonCpu = (cpuSeconds(config.daemonPid) - daemonCpu0) / (config.durationMs / 1000);
    const u = process.cpuUsage();
    clientCpu = ((u.user + u.system) / 1e6 - clientCpu0) / (config.durationMs / 1000);
  }, config.warmupMs + config.durationMs);
  for (const client of clients) client.send();
  await Promise.all(clients.map((c) => c.done));
  // Let the second CPU sample fire if the last answers came back early (they cannot, but be safe).
  while (Number.isNaN(clientCpu) && performance.now() < measureEnd + 1000) await new Promise((r) => setTimeout(r, 10));

  const sorted = latencies.subarray(0, completed).sort();
  const q = (p: number) => (completed === 0 ? Number.NaN : sorted[Math.min(completed - 1, Math.floor(p * completed))]!);
  let sum = 0;
  for (let i = 0; i < completed; i++) sum += sorted[i]!;
  const summary: ClientsSummary = {
    completed,
    errors,
    firstError,
    windowMs: config.durationMs,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: completed ? sorted[completed - 1]! : Number.NaN,
    mean: completed ? sum / completed : Number.NaN,
    daemonCpu,
    clientCpu,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`throughput clients failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
