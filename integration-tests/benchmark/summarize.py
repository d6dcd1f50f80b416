#!/usr/bin/env python3
"""Turns run-benchmark.sh's samples into results.md (Markdown), results.csv and ratios.dat (for gnuplot).

Inputs, tab-separated, one line each:
  metrics: key, chart label, label, unit, "higher" or "lower" (which is better), how samples combine
           ("median of 3", "1 run")
  samples: key, transport (usertcp or epoll), value or "failed: reason", note

A metric's value per transport is the median of its numeric samples; a transport whose every sample
failed shows the first failure instead. The ratio is usertcp / epoll. Python 3 standard library only.
"""

import argparse
import csv
import statistics
import sys

TRANSPORTS = ("usertcp", "epoll")
FAILED = "failed:"


def read_rows(path, fields):
    with open(path, newline="") as source:
        for line_number, line in enumerate(source, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            values = line.split("\t")
            if len(values) != fields:
                sys.exit(f"{path}:{line_number}: expected {fields} tab-separated fields, found {len(values)}")
            yield values


class Outcome:
    """One metric on one transport: the numeric samples and the failures."""

    def __init__(self):
        self.values = []
        self.failures = []
        self.notes = []

    def add(self, value, note):
        if value.startswith(FAILED):
            self.failures.append(value)
        else:
            self.values.append(float(value))
        if note:
            self.notes.append(note)

    def value(self):
        return statistics.median(self.values) if self.values else None

    def shown(self):
        if self.values:
            text = format_number(self.value())
            if self.failures:
                text += f" ({len(self.failures)} of {len(self.values) + len(self.failures)} runs failed)"
            return text
        return self.failures[0] if self.failures else "not measured"

    def samples(self):
        return " ".join(f"{v:g}" for v in self.values)


def format_number(value):
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_cell(text):
    return text.replace("|", "\\|")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args(argv)

    metrics = list(read_rows(arguments.metrics, 6))
    outcomes = {(key, transport): Outcome() for key, *_ in metrics for transport in TRANSPORTS}
    for key, transport, value, note in read_rows(arguments.samples, 4):
        if (key, transport) not in outcomes:
            sys.exit(f"{arguments.samples}: sample for unknown metric {key} on {transport}")
        outcomes[key, transport].add(value, note)

    rows = []
    for key, short, label, unit, better, combined in metrics:
        usertcp, epoll = outcomes[key, "usertcp"], outcomes[key, "epoll"]
        ratio = None
        if usertcp.value() is not None and epoll.value() not in (None, 0):
            ratio = usertcp.value() / epoll.value()
        rows.append((key, short, label, unit, better, combined, usertcp, epoll, ratio))

    with open(arguments.machine) as machine:
        machine_lines = [line.rstrip("\n") for line in machine if line.strip()]

    with open(f"{arguments.out}/results.md", "w") as md:
        md.write("| metric | usertcp | epoll | ratio usertcp/epoll | unit | better | runs |\n")
        md.write("|---|---:|---:|---:|---|---|---|\n")
        for key, short, label, unit, better, combined, usertcp, epoll, ratio in rows:
            cells = [label, usertcp.shown(), epoll.shown(), f"{ratio:.2f}" if ratio is not None else "n/a",
                     unit, better, combined]
            md.write("| " + " | ".join(markdown_cell(cell) for cell in cells) + " |\n")
        md.write("\n")
        for line in machine_lines:
            md.write(f"- {line}\n")

    with open(f"{arguments.out}/results.csv", "w", newline="") as table:
        writer = csv.writer(table)
        writer.writerow(["metric", "label", "unit", "better", "usertcp", "epoll", "ratio_usertcp_epoll",
                         "combined", "usertcp_samples", "epoll_samples", "usertcp_notes", "epoll_notes"])
        for key, short, label, unit, better, combined, usertcp, epoll, ratio in rows:
            writer.writerow([key, label, unit, better,
                             usertcp.value() if usertcp.value() is not None else usertcp.shown(),
                             epoll.value() if epoll.value() is not None else epoll.shown(),
                             f"{ratio:.4f}" if ratio is not None else "", combined,
                             usertcp.samples(), epoll.samples(), "; ".join(usertcp.notes), "; ".join(epoll.notes)])

    # gnuplot: position, chart label, ratio, colour (green where usertcp does better, red where worse), which
    # direction is better.
    with open(f"{arguments.out}/ratios.dat", "w") as data:
        for position, (key, short, label, unit, better, combined, usertcp, epoll, ratio) in enumerate(rows):
            if ratio is None:
                continue
            usertcp_better = ratio > 1 if better == "higher" else ratio < 1
            data.write(f'{position} "{short}" {ratio:.4f} {0x2E8B57 if usertcp_better else 0xC0392B} {better}\n')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
