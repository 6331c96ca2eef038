#!/usr/bin/env python3
"""Validates an Atom feed policyd wrote, with real parsers (issue 18 item 2).

Usage: atom_feed_check.py FEED.xml EXPECTED.json

EXPECTED is {"feed_id": ..., "entries": [{"id", "title_prefix", "link", "updated",
"content_has": [...]}, ...]} in the feed's order (newest first). Checks that Python's
xml.etree reads the file as well-formed XML whose root is an Atom <feed>, and that feedparser
reads it as Atom 1.0 without any error (bozo == 0) with exactly those entries. Exits 1 with
the reasons otherwise.
"""
import json
import sys
import xml.etree.ElementTree as ElementTree

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"


def check(feed_path, expected):
    problems = []
    root = ElementTree.parse(feed_path).getroot()  # raises on XML that is not well-formed
    if root.tag != ATOM + "feed":
        problems.append(f"root element is {root.tag}, not an Atom feed")
    if root.findtext(ATOM + "id") != expected["feed_id"]:
        problems.append(f"feed id {root.findtext(ATOM + 'id')!r} != {expected['feed_id']!r}")
    contents = [entry.findtext(ATOM + "content") or "" for entry in root.findall(ATOM + "entry")]

    parsed = feedparser.parse(feed_path)
    if parsed.bozo:
        problems.append(f"feedparser: bozo ({parsed.get('bozo_exception')!r})")
    if parsed.version != "atom10":
        problems.append(f"feedparser reads it as {parsed.version!r}, not atom10")
    if parsed.feed.get("id") != expected["feed_id"]:
        problems.append(f"feedparser feed id {parsed.feed.get('id')!r}")
    if len(parsed.entries) != len(expected["entries"]):
        problems.append(f"{len(parsed.entries)} entries, expected {len(expected['entries'])}")
    for index, (entry, want) in enumerate(zip(parsed.entries, expected["entries"])):
        where = f"entry {index}"
        if entry.get("id") != want["id"]:
            problems.append(f"{where}: id {entry.get('id')!r} != {want['id']!r}")
        if not entry.get("title", "").startswith(want["title_prefix"]):
            problems.append(f"{where}: title {entry.get('title')!r} does not start with "
                            f"{want['title_prefix']!r}")
        if entry.get("link") != want["link"]:
            problems.append(f"{where}: link {entry.get('link')!r} != {want['link']!r}")
        if entry.get("updated") != want["updated"]:
            problems.append(f"{where}: updated {entry.get('updated')!r} != {want['updated']!r}")
        if entry.get("updated_parsed") is None:
            problems.append(f"{where}: feedparser cannot read its updated time")
        # The content as the HTML a reader renders (etree undid the XML escaping once).
        for text in want.get("content_has", []):
            if text not in contents[index]:
                problems.append(f"{where}: content lacks {text!r}: {contents[index][:2000]!r}")
    return problems


def main():
    with open(sys.argv[2], encoding="utf-8") as file:
        expected = json.load(file)
    problems = check(sys.argv[1], expected)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
