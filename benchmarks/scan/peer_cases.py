#!/usr/bin/env python3
"""Recall and precision of `keyward scan` and betterleaks on gitleaks' own labelled rule cases.

Usage: peer_cases.py CASES_JSON KEYWARD_BINARY [--out DIR] [--seed N] [--betterleaks PATH]

For every gitleaks rule that covers a provider keyward's bundled rules cover (issue 3's list),
each true and false example is written to a file of its own; both scanners scan the directory
once; a true example counts as found when the corresponding rule (same id) reports at least one
finding in its file, a false example as reported when it reports any. Examples whose secret is
generated at test time (`random_from_regex`) are generated here from the regex with a fixed
seed; `newPlausibleSecret(regex)` (generic-api-key) is generated as gitleaks does it: random
from the regex until it holds a digit 1-9. Prints a Markdown table and writes JSON next to it.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys

try:
    import re._parser as sre_parse          # Python 3.11+
    from re._constants import *              # noqa: F401,F403
except ImportError:                          # pragma: no cover
    import sre_parse
    from sre_constants import *              # noqa: F401,F403

# Issue 13: keyward carries every gitleaks rule id but these three (see gitleaks_fixture.py).
COVERED = re.compile(r"^(?!(pkcs12-file|jwt-base64|kubernetes-secret-yaml)$)")
PROVIDER = [
    ("aws", r"^aws-"), ("github", r"^github-"), ("gitlab", r"^gitlab-"), ("slack", r"^slack-"), ("stripe", r"^stripe-"),
    ("google", r"^gcp-"), ("openai", r"^openai-"), ("anthropic", r"^anthropic-"), ("sendgrid", r"^sendgrid-"),
    ("npm", r"^npm-"), ("pypi", r"^pypi-"), ("twilio", r"^twilio-"), ("private key", r"^private-key"),
    ("jwt", r"^jwt"), ("generic", r"^generic-"),
    ("other providers", r"."),
]


class Generator:
    """Random strings matching a regular expression (the subset gitleaks' case regexes use)."""

    def __init__(self, rng, extra_repeat=20):
        self.rng = rng
        self.extra = extra_repeat

    def generate(self, pattern):
        return "".join(self._node(sre_parse.parse(pattern)))

    def _node(self, items):
        out = []
        for op, arg in items:
            out.extend(self._op(op, arg))
        return out

    def _charset(self, items):
        chars = set()
        negate = False
        for op, arg in items:
            if op is NEGATE:
                negate = True
            elif op is LITERAL:
                chars.add(chr(arg))
            elif op is RANGE:
                chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
            elif op is CATEGORY:
                chars.update(self._category(arg))
        if negate:
            chars = set(chr(c) for c in range(32, 127)) - chars
        return sorted(chars)

    @staticmethod
    def _category(category):
        digits = "0123456789"
        word = digits + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
        return {CATEGORY_DIGIT: digits, CATEGORY_WORD: word, CATEGORY_SPACE: " "}.get(category, word)

    def _op(self, op, arg):
        if op is LITERAL:
            return [chr(arg)]
        if op is NOT_LITERAL:
            return [self.rng.choice([c for c in "abcdefghij" if ord(c) != arg])]
        if op is IN:
            return [self.rng.choice(self._charset(arg))]
        if op is ANY:
            return [self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")]
        if op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            if high is MAXREPEAT:
                high = low + self.extra
            return [c for _ in range(self.rng.randint(low, high)) for c in self._node(sub)]
        if op is SUBPATTERN:
            return self._node(arg[-1])
        if op is BRANCH:
            return self._node(self.rng.choice(arg[1]))
        if op is AT:
            return []
        if op is CATEGORY:
            return [self.rng.choice(self._category(arg))]
        raise ValueError(f"unsupported regex element {op}")


def plausible(generator, pattern):
    while True:
        secret = generator.generate(pattern)
        if re.search(r"[1-9]", secret):
            return secret


def case_text(case, generator):
    if case["kind"] == "literal":
        return case["text"]
    parts = []
    for piece in case["template"]:
        if "literal" in piece:
            parts.append(piece["literal"])
        elif "random_from_regex" in piece:
            parts.append(generator.generate(piece["random_from_regex"]))
        else:
            expression = piece["go_expression"]
            match = re.match(r"newPlausibleSecret\(`(.*)`\)$", expression)
            if not match:
                return None
            parts.append(plausible(generator, match.group(1)))
    return "".join(parts)


def write_cases(cases_json, directory, seed):
    rng = random.Random(seed)
    generator = Generator(rng)
    data = json.load(open(cases_json))
    layout = {}
    for rule in data["rules"]:
        rule_id = rule["rule_id"]
        if not COVERED.match(rule_id):
            continue
        entry = {"tp": [], "fp": [], "unevaluable": 0}
        for label, key in (("tp", "true_positives"), ("fp", "false_positives")):
            for index, case in enumerate(rule[key]):
                text = case_text(case, generator)
                if text is None:
                    entry["unevaluable"] += 1
                    continue
                name = os.path.join(rule_id, f"{label}-{index:04d}.txt")
                os.makedirs(os.path.join(directory, rule_id), exist_ok=True)
                with open(os.path.join(directory, name), "w") as handle:
                    handle.write(text)
                entry[label].append(name)
        layout[rule_id] = entry
    return layout


def keyward_findings(binary, directory):
    run = subprocess.run([binary, "scan", "--format", "json", "--no-progress", "--no-inventory", "."], cwd=directory, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"keyward scan failed ({run.returncode}): {run.stderr}")
    found = {}
    for finding in json.loads(run.stdout):
        found.setdefault(finding["file"], set()).add(finding["rule_id"])
    return found


def betterleaks_findings(binary, directory, report):
    run = subprocess.run([binary, ".", "--no-banner", "-o", report, "--log-level", "error"], cwd=directory, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"betterleaks failed ({run.returncode}): {run.stderr}")
    found = {}
    for finding in json.load(open(report)).get("findings") or []:
        path = os.path.normpath(finding["location"]["path"])
        found.setdefault(path, set()).add(finding["rule_id"])
    return found


def score(layout, found):
    rows = {}
    for rule_id, entry in layout.items():
        tp_found = sum(1 for name in entry["tp"] if rule_id in found.get(name, ()))
        tp_any = sum(1 for name in entry["tp"] if found.get(name))
        fp_reported = sum(1 for name in entry["fp"] if rule_id in found.get(name, ()))
        total_tp = len(entry["tp"])
        recall = tp_found / total_tp if total_tp else None
        precision = tp_found / (tp_found + fp_reported) if tp_found + fp_reported else None
        rows[rule_id] = {"tp": total_tp, "tp_found": tp_found, "tp_any_rule": tp_any, "fp": len(entry["fp"]), "fp_reported": fp_reported,
                         "recall": recall, "precision": precision, "unevaluable": entry["unevaluable"]}
    return rows


def provider(rule_id):
    return next(name for name, pattern in PROVIDER if re.match(pattern, rule_id))


def fmt(value):
    return "n/a" if value is None else f"{value * 100:.1f}%"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases")
    parser.add_argument("keyward")
    parser.add_argument("--betterleaks", default=shutil.which("betterleaks"))
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--work", default="/tmp/keyward-peer-cases")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    layout = write_cases(args.cases, args.work, args.seed)
    keyward = score(layout, keyward_findings(os.path.abspath(args.keyward), args.work))
    better = score(layout, betterleaks_findings(args.betterleaks, args.work, os.path.join(args.work, "..", "betterleaks-peer-cases.json")))

    lines = ["| provider | gitleaks rule | true ex. | keyward recall | betterleaks recall | false ex. | keyward FP | betterleaks FP | keyward precision | betterleaks precision | any rule: keyward / betterleaks |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    totals = {"keyward": [0, 0, 0], "betterleaks": [0, 0, 0]}
    for rule_id in sorted(layout, key=lambda r: (provider(r), r)):
        k, b = keyward[rule_id], better[rule_id]
        note = f" ({k['unevaluable']} unevaluable)" if k["unevaluable"] else ""
        lines.append(f"| {provider(rule_id)} | {rule_id}{note} | {k['tp']} | {fmt(k['recall'])} | {fmt(b['recall'])} | {k['fp']} | {k['fp_reported']} | {b['fp_reported']} | {fmt(k['precision'])} | {fmt(b['precision'])} | {k['tp_any_rule']} / {b['tp_any_rule']} |")
        for name, row in (("keyward", k), ("betterleaks", b)):
            totals[name][0] += row["tp_found"]
            totals[name][1] += row["tp"]
            totals[name][2] += row["fp_reported"]
    lines += ["", "| provider | true ex. | keyward recall | betterleaks recall | false ex. | keyward FP | betterleaks FP |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, _ in PROVIDER:
        ids = [r for r in layout if provider(r) == name]
        if not ids:
            continue
        tp = sum(keyward[r]["tp"] for r in ids)
        fp = sum(keyward[r]["fp"] for r in ids)
        recall = lambda rows: fmt(sum(rows[r]["tp_found"] for r in ids) / tp) if tp else "n/a"
        lines.append(f"| {name} | {tp} | {recall(keyward)} | {recall(better)} | {fp} | {sum(keyward[r]['fp_reported'] for r in ids)} | {sum(better[r]['fp_reported'] for r in ids)} |")
    fp_total = sum(row["fp"] for row in keyward.values())
    for name, (found_tp, all_tp, fps) in totals.items():
        lines.append(f"\n{name}: {found_tp}/{all_tp} true examples found ({found_tp / all_tp * 100:.1f}%), {fps}/{fp_total} false examples reported")
    table = "\n".join(lines)
    print(table)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "peer-cases.md"), "w") as handle:
        handle.write(table + "\n")
    with open(os.path.join(args.out, "peer-cases.json"), "w") as handle:
        json.dump({"seed": args.seed, "keyward": keyward, "betterleaks": better}, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
