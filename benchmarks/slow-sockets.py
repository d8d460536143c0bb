#!/usr/bin/env python3
"""Holds SOCKETS slow sockets against a keyward server for SECONDS and measures, meanwhile,
GET /healthz and a signed leak report (POST /v1/leaks/report) on fresh connections: p50/p99.

Each slow socket sends a request head one byte every INTERVAL seconds (slowloris), or a leak
report head with Content-Length 1000000 and one body byte (the issue's 8-idle-sockets attack),
alternately; a socket the server closes is opened again at once, as an attacker would. Prints
the latencies, failures, and how many slow sockets the server closed.

Usage: slow-sockets.py PORT SECRET [SOCKETS] [SECONDS] [INTERVAL]  (needs `ulimit -n` > SOCKETS + 100)
"""
import asyncio, hashlib, hmac, json, statistics, sys, time

port, secret = int(sys.argv[1]), sys.argv[2]
sockets = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 60
interval = float(sys.argv[5]) if len(sys.argv) > 5 else 10
closed_by_server = 0
refused = 0


async def slow(index, stop):
    global closed_by_server, refused
    leak = index % 2 == 1
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            refused += 1
            await asyncio.sleep(0.5)
            continue
        try:
            if leak:
                writer.write(b"POST /v1/leaks/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[")
                await writer.drain()
            head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000
            position = 0
            while time.monotonic() < stop:
                if not leak:
                    writer.write(head[position:position + 1]); position += 1
                    await writer.drain()
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=interval)
                    if not data:
                        closed_by_server += 1
                        break
                except asyncio.TimeoutError:
                    pass
        except (ConnectionError, OSError):
            closed_by_server += 1
        finally:
            writer.close()


async def timed(request):
    started = time.monotonic()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    try:
        writer.write(request)
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        return time.monotonic() - started, int(status.split()[1]) if status else 0
    finally:
        writer.close()


reports = 0


def leak_report():
    global reports
    reports += 1  # each report differs: the same body and timestamp again is a replay (401)
    body = json.dumps([{"token": "kw_live_notakeyatall", "type": "keyward_api_key", "url": f"https://example.com/{reports}", "source": "content"}]).encode()
    timestamp = str(int(time.time()))
    signature = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return (f"POST /v1/leaks/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"keyward-timestamp: {timestamp}\r\nkeyward-signature: {signature}\r\nConnection: close\r\n\r\n").encode() + body


async def probe(name, make, stop, results):
    while time.monotonic() < stop:
        try:
            elapsed, status = await timed(make())
            results.append((elapsed, status))
        except (asyncio.TimeoutError, OSError) as error:
            results.append((10.0, 0))
        await asyncio.sleep(0.05)


def report(name, results):
    ok = sorted(elapsed for elapsed, status in results if 200 <= status < 300)
    failed = len(results) - len(ok)
    if not ok:
        print(f"{name}: {len(results)} requests, none answered 2xx"); return
    p99 = ok[min(len(ok) - 1, int(len(ok) * 0.99))]
    print(f"{name}: {len(results)} requests, {failed} not 2xx; p50 {statistics.median(ok) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")


async def main():
    start = time.monotonic()
    stop = start + seconds
    tasks = []
    for index in range(sockets):
        tasks.append(asyncio.create_task(slow(index, stop)))
        if index % 200 == 199: await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # let the crowd build up before measuring
    health, leaks = [], []
    await asyncio.gather(probe("healthz", lambda: b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", stop, health),
                         probe("leak", leak_report, stop, leaks))
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"slow sockets: {sockets} held for {seconds:.0f} s; closed by the server {closed_by_server} times; connect failures {refused}")
    report("GET /healthz", health)
    report("signed leak report", leaks)


asyncio.run(main())
