#!/usr/bin/env python3
"""Builds a git repository with a long history for `keyward scan --git` benchmarks.

Usage: make_history_repo.py SOURCE_TREE OUT_REPO [--commits 3000] [--seed 7]

The local package mirror keeps no history, so this makes one: the first commit imports
SOURCE_TREE's text files; each later commit edits a few of them (changes and appended lines),
sometimes adds or deletes a file, on three branches that merge back. A handful of commits plant
secrets (a keyward key, a GitHub token, an AWS key pair, a private key) and later commits delete
some of them again, so history scanning has something to find that a checkout does not show.
Built with `git fast-import`: deterministic for a seed, seconds to create.
"""
import argparse
import base64
import os
import random
import subprocess
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(value, width):
    digits = ""
    while value:
        digits = BASE62[value % 62] + digits
        value //= 62
    return digits.rjust(width, "0")


def keyward_key(rng):
    head = "kw_live_" + "".join(rng.choice(BASE62) for _ in range(32))
    return head + base62(zlib.crc32(head.encode()), 6)


def github_token(rng):
    body = "".join(rng.choice(BASE62) for _ in range(30))
    return "ghp_" + body + base62(zlib.crc32(body.encode()), 6)


def secrets(rng):
    aws_secret = "".join(rng.choice(BASE62 + "+/") for _ in range(40))
    key_body = "\n".join(base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode() for _ in range(20))
    return [
        ("deploy/.env", f"KEYWARD_TOKEN={keyward_key(rng)}\n"),
        ("scripts/release.sh", f"#!/bin/sh\nexport GITHUB_TOKEN={github_token(rng)}\n"),
        ("config/aws.ini", f"[default]\naws_access_key_id = AKIA{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))}\naws_secret_access_key = {aws_secret}\n"),
        ("certs/server.key", f"-----BEGIN RSA PRIVATE KEY-----\n{key_body}\n-----END RSA PRIVATE KEY-----\n"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    files = {}
    for root, _, names in os.walk(args.source):
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                data = handle.read()
            if b"\0" in data[:8000] or len(data) > 512 * 1024:
                continue
            files[os.path.relpath(path, args.source)] = data
    paths = sorted(files)

    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    importer = subprocess.Popen(["git", "-C", args.out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = importer.stdin
    mark = 0
    timestamp = 1_600_000_000
    heads = {"main": None, "feature-a": None, "feature-b": None}
    planted = secrets(rng)

    def blob(data):
        nonlocal mark
        mark += 1
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
        return mark

    def commit(branch, message, changes, deletes=(), merge=None):
        nonlocal mark, timestamp
        timestamp += rng.randint(60, 7200)
        marks = [(path, blob(data)) for path, data in changes]
        mark += 1
        author = rng.choice(["Ann Dev <ann@example.org>", "Bo Ops <bo@example.org>", "Cy Sec <cy@example.org>"])
        text = message.encode()
        out.write(b"commit refs/heads/%s\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\ndata %d\n" % (
            branch.encode(), mark, author.encode(), timestamp, author.encode(), timestamp, len(text)) + text + b"\n")
        if heads[branch] is not None:
            out.write(b"from :%d\n" % heads[branch])
        elif heads["main"] is not None:
            out.write(b"from :%d\n" % heads["main"])
        if merge is not None:
            out.write(b"merge :%d\n" % merge)
        for path, blob_mark in marks:
            out.write(b"M 100644 :%d %s\n" % (blob_mark, path.encode()))
        for path in deletes:
            out.write(b"D %s\n" % path.encode())
        out.write(b"\n")
        heads[branch] = mark

    commit("main", "import sources", [(path, files[path]) for path in paths])
    plant_at = {rng.randint(100, args.commits - 100): item for item in planted}
    remove_after = {}
    for number in range(1, args.commits):
        branch = rng.choice(["main", "main", "feature-a", "feature-b"])
        changes = []
        for path in rng.sample(paths, rng.randint(1, 4)):
            lines = files[path].split(b"\n")
            at = rng.randrange(len(lines))
            lines.insert(at, b"// change %d: %x" % (number, rng.getrandbits(48)))
            files[path] = b"\n".join(lines)
            changes.append((path, files[path]))
        deletes = []
        if number in plant_at:
            path, text = plant_at[number]
            changes.append((path, text.encode()))
            remove_after[number + rng.randint(5, 50)] = path
        if number in remove_after and rng.random() < 0.75:
            deletes.append(remove_after[number])
        merge = None
        if branch == "main" and number % 97 == 0:
            merge = heads[rng.choice(["feature-a", "feature-b"])]
        commit(branch, f"change {number}", changes, deletes, merge if merge is not None and merge != heads["main"] else None)
    out.close()
    importer.wait()
    subprocess.run(["git", "-C", args.out, "checkout", "-q", "main"], check=True)
    count = subprocess.run(["git", "-C", args.out, "rev-list", "--all", "--count"], capture_output=True, text=True).stdout.strip()
    print(f"{args.out}: {count} commits, {len(paths)} files imported, {len(planted)} secrets planted")


if __name__ == "__main__":
    main()
