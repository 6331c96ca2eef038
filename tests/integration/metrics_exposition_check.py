#!/usr/bin/env python3
"""Parses a Prometheus text exposition (a file, or stdin) with the reference parser,
prometheus_client.parser.text_string_to_metric_families (Debian python3-prometheus-client),
and checks what the format requires beyond parsing: a HELP and a TYPE for every family, names
and label names in the format's alphabet, histograms whose buckets are cumulative and end
with le="+Inf" equal to _count. Prints one JSON object per line on stdout,
{"name": sample name, "labels": {...}, "value": number}, for every sample, so the caller can
assert values read by the real parser. Exits 1 with the reason on stderr on any violation.

Usage: metrics_exposition_check.py [FILE]
"""

import json
import math
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def fail(reason):
    print("metrics_exposition_check: " + reason, file=sys.stderr)
    sys.exit(1)


def check_text_lines(text):
    """What the parser accepts silently: every family has its HELP and TYPE, once."""
    if not text.endswith("\n"):
        fail("the exposition does not end with a newline")
    helps, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if name in helps:
                fail("two HELP lines for " + name)
            helps[name] = True
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram"):
                fail("bad TYPE line: " + line)
            if parts[2] in types:
                fail("two TYPE lines for " + parts[2])
            types[parts[2]] = parts[3]
        elif line.startswith("#") or not line:
            fail("unexpected line: " + repr(line))
    if set(helps) != set(types):
        fail("HELP and TYPE lines name different families")
    return types


def check_histogram(family):
    series = {}
    for sample in family.samples:
        key = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
        entry = series.setdefault(key, {"buckets": [], "count": None, "sum": None})
        if sample.name == family.name + "_bucket":
            entry["buckets"].append((float(sample.labels["le"]), sample.value))
        elif sample.name == family.name + "_count":
            entry["count"] = sample.value
        elif sample.name == family.name + "_sum":
            entry["sum"] = sample.value
    for key, entry in series.items():
        buckets = entry["buckets"]
        if not buckets or buckets[-1][0] != math.inf:
            fail(family.name + ": the last bucket is not le=\"+Inf\"")
        bounds = [b for b, _ in buckets]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            fail(family.name + ": bucket bounds are not increasing")
        counts = [c for _, c in buckets]
        if counts != sorted(counts):
            fail(family.name + ": buckets are not cumulative")
        if entry["count"] is None or entry["sum"] is None:
            fail(family.name + ": no _count or _sum")
        if counts[-1] != entry["count"]:
            fail(family.name + ": le=\"+Inf\" differs from _count")


def main():
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    types = check_text_lines(text)
    seen = set()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and friends
        fail("the parser refused the exposition: %r" % (error,))
    for family in families:
        if not METRIC_NAME.match(family.name):
            fail("bad metric name " + family.name)
        # The parser strips a counter's _total from the family name.
        declared = family.name + "_total" if family.type == "counter" else family.name
        if types.get(declared, types.get(family.name)) != family.type:
            fail("%s: parsed as %s" % (family.name, family.type))
        if family.type == "histogram":
            check_histogram(family)
        for sample in family.samples:
            for label in sample.labels:
                if not LABEL_NAME.match(label):
                    fail("bad label name %s in %s" % (label, sample.name))
            key = (sample.name, tuple(sorted(sample.labels.items())))
            if key in seen:
                fail("sample written twice: %r" % (key,))
            seen.add(key)
            print(json.dumps({"name": sample.name, "labels": sample.labels,
                              "value": sample.value}))
    if not families:
        fail("no metric family")


if __name__ == "__main__":
    main()
