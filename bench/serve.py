"""``baomi serve`` as its callers time it (issue 22's targets).

    python bench/serve.py [--runs 20] [--concurrent 10]

Starts a real ``baomi serve`` (uvicorn, two workers, NER on) on a free port with a fresh
token, then, over HTTP from this process:

  start-up          seconds from launching the server to its first 200 on /healthz;
  one-page docx     POST /api/v1/redact of a typical one-page Word file (a meeting note
                    with a contact block), the scanner warm: median and worst of --runs
                    (target < 1 s);
  analyze           POST /api/v1/analyze of the same text: median;
  concurrent        --concurrent uploads at once (half redact, half scan): errors, wall
                    time, and the slowest answer (target: no error on 2 cores);
  memory            the server's process tree (PSS summed, psutil) after all of it
                    (target: bounded — it must not grow with the number of requests, so it
                    is measured after the warm-up and again after the whole run).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARAGRAPHS = (
    "会议纪要：星河传媒新品发布会筹备",
    "时间：2026年3月5日 14:00，地点：北京市朝阳区建国路88号SOHO现代城A座1203室。",
    "出席：张伟（客户市场部经理，手机 13812345678，邮箱 zhangwei@xinghe-media.com）、李娜、王芳。",
    "议题一：发布会流程与媒体名单，拟邀请南方日报、界面新闻等二十家媒体。",
    "议题二：预算与物料，由王芳负责跟进供应商报价，微信号 wangfang_pr。",
    "下一步：下周三前确认场地与嘉宾名单，联系电话 010-65881234。",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_memory_mb(pid: int) -> float:
    import psutil

    root = psutil.Process(pid)
    total = 0
    for process in (root, *root.children(recursive=True)):
        info = process.memory_full_info()
        total += getattr(info, "pss", info.rss)
    return total / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=10)
    args = parser.parse_args()
    from tests.builders import docx_bytes

    document = docx_bytes(*PARAGRAPHS)
    with tempfile.TemporaryDirectory(prefix="baomi-serve-bench-") as tmp:
        work = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPATH": str(ROOT),
            "PYTHONPYCACHEPREFIX": str(work / "bytecode"),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_CACHE_HOME": str(work / "cache"),
            "BAOMI_TOKENS": str(work / "tokens.json"),
        }
        baomi = [sys.executable, "-m", "scanner.cli"]
        token = subprocess.run(
            [*baomi, "token", "create", "bench"], env=env, capture_output=True, text=True
        ).stdout.splitlines()[-1]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        launched = time.perf_counter()
        server = subprocess.Popen(
            [*baomi, "serve", "--port", str(port), "--audit-log", str(work / "audit.jsonl")],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            started = time.perf_counter() - launched
            auth = {"Authorization": f"Bearer {token}"}
            client = httpx.Client(base_url=base, headers=auth, timeout=120)

            def redact() -> tuple[float, int]:
                t = time.perf_counter()
                answer = client.post(
                    "/api/v1/redact",
                    files={"file": ("纪要.docx", document)},
                    data={"policy": "media"},
                )
                return time.perf_counter() - t, answer.status_code

            def scan() -> tuple[float, int]:
                t = time.perf_counter()
                answer = client.post("/api/v1/scan", files={"file": ("纪要.docx", document)})
                return time.perf_counter() - t, answer.status_code

            redact()  # warm: the first request loads the docx reader and writer
            warm_memory = tree_memory_mb(server.pid)
            times = []
            for _ in range(args.runs):
                seconds, status = redact()
                assert status == 200, status
                times.append(seconds)
            text = "\n".join(PARAGRAPHS)
            analyze = []
            for _ in range(args.runs):
                t = time.perf_counter()
                assert client.post("/api/v1/analyze", json={"text": text}).status_code == 200
                analyze.append(time.perf_counter() - t)
            answers: list[tuple[float, int]] = []
            threads = [
                threading.Thread(target=lambda n=n: answers.append(redact() if n % 2 else scan()))
                for n in range(args.concurrent)
            ]
            t = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - t
            end_memory = tree_memory_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
    errors = sum(status != 200 for _, status in answers)
    print(f"start-up to first /healthz      {started:6.2f} s")
    print(
        f"redact one-page docx            median {statistics.median(times):.3f} s, "
        f"worst {max(times):.3f} s over {args.runs} (target < 1 s)"
    )
    print(f"analyze its text                median {statistics.median(analyze) * 1000:.0f} ms")
    print(
        f"{args.concurrent} concurrent uploads           {errors} errors, {wall:.2f} s wall, "
        f"slowest {max(s for s, _ in answers):.2f} s (target: no error)"
    )
    print(f"server memory (PSS, all procs)  {warm_memory:.0f} MB warm, {end_memory:.0f} MB after")
    print(f"exit status after SIGTERM       {code}")
    return 0 if errors == 0 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
