"""Sharing benchmarks: q1 through the holder's socket vs in process, 8
concurrent clients vs one, and a read during a long import.

    python3 benches/sharing.py BINARY STORE EXTRA.triples PARAMS.json

STORE holds the standard corpus (params.json names its hubs); EXTRA is a
second corpus imported, through the holder, while q1 is timed.

What the q1 figures compare, each a median of 20 after one warm-up:
- through the socket: a whole `claimgraph query --format json` command
  (process start, the request, the holder's query and rendering, the
  answer, the client writing it to its stdout), from starting the process
  to having read all its output; Python's parse of the JSON is done after
  the clock stops, being the benchmark's work, not the command's;
- in process, the shell holding the store: from writing q1 to its stdin
  to having read its whole output back, the JSON and the `:timing` line
  (the query, its rendering in JSON and writing it to a pipe: the work a
  user of the shell gets), and the shell's own `:timing` (the query
  alone, without rendering);
- the socket's own cost: the whole command less process start
  (`claimgraph --version`) less the shell's whole statement."""
import json, os, statistics, subprocess, sys, threading, time, urllib.request

BIN, STORE, EXTRA, PARAMS = sys.argv[1:5]
PARAMS = json.load(open(PARAMS))
Q1 = ("MATCH (a:Actor {name: $actor})-[:CLAIMS]->(s:Statement) "
      "RETURN s.text AS statement ORDER BY statement")

def cli_q1():
    """The time of the command itself; its output is parsed after the clock stops."""
    t = time.perf_counter()
    out = subprocess.run([BIN, "--store", STORE, "query", Q1, "--param",
                          f"actor={json.dumps(PARAMS['actor'])}", "--format", "json"],
                         capture_output=True, check=True)
    elapsed = time.perf_counter() - t
    return elapsed, len(json.loads(out.stdout)["rows"])

# In process: the shell's own timing of q1, the holder being this shell.
shell = subprocess.Popen([BIN, "--store", STORE, "repl"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sock = os.path.join(STORE, "claimgraph.sock")
while not os.path.exists(sock):
    time.sleep(0.05)
shell.stdin.write(f":param actor => {json.dumps(PARAMS['actor'])}\n:format json\n:timing on\n".encode())
shell.stdin.flush()

def started():
    t = time.perf_counter()
    subprocess.run([BIN, "--version"], capture_output=True, check=True)
    return time.perf_counter() - t
start_ms = statistics.median(started() for _ in range(20)) * 1e3
print(f"starting claimgraph (--version): median {start_ms:.1f} ms")

# Through the socket: a whole `claimgraph query` command, process start included.
cli_q1()
socket = [cli_q1() for _ in range(20)]
rows = socket[0][1]
q1_socket_ms = statistics.median(t for t, _ in socket) * 1e3
print(f"q1 through the socket (whole command): median {q1_socket_ms:.1f} ms, {rows} rows")
# In process, before the import: the shell's whole statement as its reader
# sees it (writing q1, reading all its output), and its own `:timing`.
def shell_q1():
    t = time.perf_counter()
    shell.stdin.write((Q1 + ";\n").encode())
    shell.stdin.flush()
    shell_rows = None
    while True:
        line = shell.stdout.readline()
        if not line:
            sys.exit("the shell ended before answering q1")
        line = line.strip()
        if line.startswith(b"{"):
            shell_rows = line
        elif line.startswith(b"Time: ") and line.endswith(b" ms"):
            elapsed = time.perf_counter() - t
            return elapsed, float(line.split()[1]), len(json.loads(shell_rows)["rows"])
shell_runs = [shell_q1() for _ in range(21)][1:]
whole = statistics.median(w for w, _, _ in shell_runs) * 1e3
times = [ms for _, ms, _ in shell_runs]
inproc = statistics.median(times)
assert all(n == rows for _, _, n in shell_runs), "the shell and the socket disagree on q1's rows"
print(f"q1 in process (the shell's whole statement: query, JSON, written and read back): "
      f"median {whole:.1f} ms of {len(shell_runs)}")
print(f"q1 in process (shell :timing, the query alone): median {inproc:.1f} ms of {len(times)}, "
      f"{min(times):.1f} to {max(times):.1f} ms")
start = time.perf_counter()
for _ in range(16):
    cli_q1()
one = 16 / (time.perf_counter() - start)
def worker(n):
    for _ in range(n):
        cli_q1()
threads = [threading.Thread(target=worker, args=(8,)) for _ in range(8)]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
eight = 64 / (time.perf_counter() - start)
print(f"q1 commands per second: one client {one:.1f}, 8 clients {eight:.1f} ({eight/one:.2f}x)")

def cli_small():
    """A read whose answer is one row: the time of being answered, not of q1's rows."""
    t = time.perf_counter()
    out = subprocess.run([BIN, "--store", STORE, "query", "MATCH (a:Article) RETURN count(a) AS c",
                          "--format", "json"], capture_output=True, check=True)
    return time.perf_counter() - t, json.loads(out.stdout)["rows"][0][0]

small_alone = statistics.median(cli_small()[0] for _ in range(10))
print(f"a one-row read (count of articles), no import: median {small_alone*1e3:.1f} ms")

# A read during a long import (the import forwarded to the shell).
imp = subprocess.Popen([BIN, "--store", STORE, "import", EXTRA],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(1.0)
during = []
small = []
while imp.poll() is None:
    t, n = cli_q1()
    if imp.poll() is None:
        during.append((t, n))
    t, n = cli_small()
    if imp.poll() is None:
        small.append((t, n))
imp_out = imp.communicate()
print("import:", imp.returncode, imp_out[0].decode().strip()[:160])
if during:
    print(f"reads during the import: {len(during)}, slowest {max(t for t, _ in during)*1e3:.1f} ms, "
          f"median {statistics.median(t for t, _ in during)*1e3:.1f} ms, rows {sorted(set(n for _, n in during))}")
if small:
    print(f"one-row reads during the import: {len(small)}, slowest {max(t for t, _ in small)*1e3:.1f} ms, "
          f"median {statistics.median(t for t, _ in small)*1e3:.1f} ms, counts {sorted(set(n for _, n in small))}")
shell.stdin.close()
shell.stdout.read()
shell.wait()
# The socket's own cost: the whole command, less starting a process, less
# the same statement in process (query and rendering).
print(f"q1 through the socket less process start ({start_ms:.1f} ms) and the shell's whole statement: "
      f"{q1_socket_ms - start_ms - whole:.1f} ms")
