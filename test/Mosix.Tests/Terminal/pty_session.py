#!/usr/bin/env python3
"""Drives an interactive bash in a pseudo-terminal, as a person at a terminal would.

usage: pty_session.py MOSRUN SCENARIO [PROGRAM]
Prints what the scenario observed, one "key: value" line each, for the test to check.
Every process it starts belongs to the pty's session and is killed with it at the end.
"""
import json, os, pty, re, select, signal, subprocess, sys, time

MOSRUN, SCENARIO = sys.argv[1], sys.argv[2]
PROGRAM = sys.argv[3] if len(sys.argv) > 3 else ""
PROMPT = "__MOSIX_PROMPT__> "


def start_shell():
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["PS1"] = PROMPT
        os.environ["TERM"] = "dumb"
        # A user's terminal starts its shell with the job-control signals at their defaults; a
        # test run started in the background would pass them on ignored, and a shell cannot undo that.
        for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
    return pid, fd


def read_until(fd, pattern, timeout=20.0):
    """Reads the terminal until `pattern` (a regex) shows up; returns everything read."""
    out, deadline = "", time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
            out += chunk
            if re.search(pattern, out):
                return out
    raise TimeoutError(f"waited for {pattern!r}, got {out!r}")


def run(fd, command, until=PROMPT):
    os.write(fd, (command + "\n").encode())
    return read_until(fd, re.escape(until) if until == PROMPT else until)


def wait_for_workers_away(mosrun, patience=30.0):
    """How many processes of the tree mosps shows away from home, once it is two (or at the deadline)."""
    mosps, deadline, away = os.path.join(os.path.dirname(mosrun), "mosps"), time.time() + patience, 0
    while time.time() < deadline:
        listing = subprocess.run([mosps, "--json"], capture_output=True, text=True).stdout
        away = sum(1 for p in json.loads(listing or "[]") if p["parent"] != 0 and p["where"] != "here")
        if away >= 2:
            break
        time.sleep(0.2)
    return away


def main():
    pid, fd = start_shell()
    try:
        read_until(fd, re.escape(PROMPT))
        run(fd, "stty -echo")
        m = MOSRUN
        if SCENARIO == "tty":
            out = run(fd, f"{m} python3 -c 'import os; print(\"tty\", os.isatty(0), os.isatty(1), os.isatty(2), os.ttyname(0) == os.ttyname(1))'")
            print("isatty:", re.search(r"tty (\w+ \w+ \w+ \w+)", out).group(1))
            native = run(fd, "stty size").split("\n")[-2].strip()
            supervised = run(fd, f"{m} stty size").split("\n")[-2].strip()
            print("stty size same:", native == supervised and re.match(r"\d+ \d+", native) is not None)
        elif SCENARIO == "stdin":
            os.write(fd, f"{m} cat\n".encode())
            time.sleep(0.5)
            os.write(fd, b"typed line\n")
            echoed = read_until(fd, "typed line")
            os.write(fd, b"\x04")  # Ctrl-D: end of input
            read_until(fd, re.escape(PROMPT))
            print("cat echoed:", "typed line" in echoed)
            print("status:", run(fd, "echo status=$?").split("status=")[1].split()[0])
        elif SCENARIO == "ctrl-c":
            os.write(fd, f"{m} sleep 60\n".encode())
            time.sleep(1.0)
            os.write(fd, b"\x03")  # Ctrl-C
            read_until(fd, re.escape(PROMPT), timeout=10)
            print("status:", run(fd, "echo status=$?").split("status=")[1].split()[0])
        elif SCENARIO == "ctrl-c-workers":
            # PROGRAM is fork_workers: a parent and two CPU-bound children, all in the foreground
            # job. Under mosrun -rNODE the parent comes home for its forks and waits there; the
            # workers follow it to NODE once worth moving: Ctrl-C is typed once both are there.
            os.write(fd, f"{m} {PROGRAM} 2 60000000000\n".encode())
            read_until(fd, "started 2 workers")
            if m:
                print("workers away:", wait_for_workers_away(m.split()[0]))
            else:
                time.sleep(2.0)
            os.write(fd, b"\x03")  # Ctrl-C
            read_until(fd, re.escape(PROMPT), timeout=15)
            print("status:", run(fd, "echo status=$?").split("status=")[1].split()[0])
            time.sleep(0.5)
            # Zombies are not left processes: the test host, a subreaper, adopts and reaps them.
            left = run(fd, "ps -C fork_workers -o stat= | grep -vc '^Z'; true")
            print("left:", re.search(r"^(\d+)", left, re.M).group(1))
        elif SCENARIO == "ctrl-z":
            os.write(fd, f"{m} bash -c 'for i in 1 2 3 4 5 6; do sleep 0.3; done; echo finished'\n".encode())
            time.sleep(0.6)
            os.write(fd, b"\x1a")  # Ctrl-Z
            stopped = read_until(fd, re.escape(PROMPT), timeout=10)
            print("stopped:", "Stopped" in stopped)
            jobs = run(fd, "jobs")
            print("jobs shows stopped:", "Stopped" in jobs)
            resumed = run(fd, "fg")
            print("fg finished:", "finished" in resumed)
            print("status:", run(fd, "echo status=$?").split("status=")[1].split()[0])
        elif SCENARIO == "ctrl-z-python":
            # One process, no fork: under mosrun -rNODE it stays away the whole time.
            os.write(fd, f"{m} python3 -c 'import time; [time.sleep(0.25) for i in range(8)]; print(\"finished\")'\n".encode())
            time.sleep(1.0)
            os.write(fd, b"\x1a")  # Ctrl-Z
            stopped = read_until(fd, re.escape(PROMPT), timeout=10)
            print("stopped:", "Stopped" in stopped)
            resumed = run(fd, "fg")
            print("fg finished:", "finished" in resumed)
            print("status:", run(fd, "echo status=$?").split("status=")[1].split()[0])
        else:
            print("unknown scenario", SCENARIO)
            return 2
        os.write(fd, b"exit\n")
        return 0
    finally:
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except OSError:
            pass
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)


sys.exit(main())
