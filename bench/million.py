#!/usr/bin/python3
"""Issue 12's scale run, on the tests' kind of standalone cluster (a master and two one-core workers
on 127.0.0.1, separate JVMs, started here from the project's Spark jars):

  1. --images annotated pictures (synthetic shapes, --size pixels a side, 1000 to a folder) and
     their COCO instances JSON; detections for every image (the boxes jittered, plus false ones)
  2. ingest of the COCO JSON into a dataset
  3. evaluate of the detections against the ingested dataset, through the cluster path (--mode
     cluster): the tasks read the ground truth, the driver keeps counts and the class list
  4. predict over the first --predict images with a small YOLOv4-tiny (width 0.25, trained here
     for one epoch on 200 synthetic images at --size)

For each command: the wall time, the peak used heap of the driver and of each executor (jstat,
sampled every second) and their -Xmx, and the command's own summary line.

    bench/million.py [--images 1000000] [--predict 100000] [--size 64] [--work out/million]

Needs /usr/bin/python3 with numpy and PIL (python3-numpy, python3-pil). The data stays in --work
for reruns (a step whose output exists is not redone: --fresh redoes everything).
"""
import argparse
import glob
import json
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPARKDET = os.path.join(ROOT, "bin", "sparkdet")
PER_FOLDER = 1000
CLASSES = ["circle", "square", "triangle"]


# ---- 1: pictures, ground truth, detections ----
def make_folder(job):
    """one folder of pictures; returns its images' COCO records and detections as JSON lines"""
    images_dir, folder, first, count, size, seed = job
    rnd = random.Random(seed * 1_000_003 + folder)
    rng = np.random.default_rng(seed * 1_000_003 + folder)
    out = os.path.join(images_dir, "%04d" % folder)
    os.makedirs(out, exist_ok=True)
    images, annotations, detections = [], [], []
    # backgrounds (colour gradients with noise) drawn once per folder: numpy per picture costs 10x the JPEG
    yy, xx = np.mgrid[0:size, 0:size]
    t = ((xx + yy) / (2 * size))[..., None]
    backgrounds = []
    for _ in range(16):
        c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        pixels = (c0 * (1 - t) + c1 * t + rng.normal(0, 8, (size, size, 3))).clip(0, 255).astype(np.uint8)
        backgrounds.append(Image.fromarray(pixels))
    for i in range(first, first + count):
        im = backgrounds[rnd.randrange(len(backgrounds))].copy()
        draw = ImageDraw.Draw(im)
        name = "%04d/%07d.jpg" % (folder, i)
        for k in range(rnd.randint(1, 3)):
            w, h = rnd.randint(size // 8, size // 2), rnd.randint(size // 8, size // 2)
            x, y = rnd.randint(0, size - w - 1), rnd.randint(0, size - h - 1)
            cls = rnd.randrange(3)
            colour = tuple(rnd.randrange(256) for _ in range(3))
            if cls == 0:
                draw.ellipse([x, y, x + w, y + h], fill=colour)
            elif cls == 1:
                draw.rectangle([x, y, x + w, y + h], fill=colour)
            else:
                draw.polygon([(x, y + h), (x + w / 2, y), (x + w, y + h)], fill=colour)
            annotations.append({"id": i * 4 + k + 1, "image_id": i, "category_id": cls + 1,
                                "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0})
            if rnd.random() < 0.9:
                j = [round(v + rnd.gauss(0, 1.5), 2) for v in (x, y, w, h)]
                detections.append({"image_id": i, "category_id": cls + 1, "bbox": j,
                                   "score": round(rnd.uniform(0.3, 1.0), 4)})
        if rnd.random() < 0.5:
            detections.append({"image_id": i, "category_id": rnd.randint(1, 3),
                               "bbox": [rnd.randint(0, size // 2), rnd.randint(0, size // 2), size // 4, size // 4],
                               "score": round(rnd.uniform(0.0, 0.6), 4)})
        im.save(os.path.join(images_dir, name), quality=90)
        images.append({"id": i, "file_name": name, "width": size, "height": size})
    return ([json.dumps(x) for x in images], [json.dumps(x) for x in annotations],
            [json.dumps(x) for x in detections])


def generate(work, n, size):
    images_dir = os.path.join(work, "images")
    gt, dt = os.path.join(work, "gt.json"), os.path.join(work, "dt.json")
    if os.path.exists(dt):
        return images_dir, gt, dt
    shutil.rmtree(images_dir, ignore_errors=True)
    jobs = [(images_dir, f, f * PER_FOLDER, min(PER_FOLDER, n - f * PER_FOLDER), size, 12)
            for f in range((n + PER_FOLDER - 1) // PER_FOLDER)]
    start = time.time()
    # images and annotations go to two temporary files, then into one JSON without holding them
    with open(gt + ".images", "w") as fi, open(gt + ".annotations", "w") as fa, open(dt + ".tmp", "w") as fd:
        first_d = True
        with multiprocessing.Pool(os.cpu_count()) as pool:
            for done, (images, annotations, detections) in enumerate(pool.imap(make_folder, jobs), 1):
                for lines, f in ((images, fi), (annotations, fa)):
                    for line in lines:
                        f.write(line + ",\n")
                for line in detections:
                    fd.write(("[" if first_d else ",\n") + line)
                    first_d = False
                if done % 50 == 0 or done == len(jobs):
                    print(f"  {done * PER_FOLDER:,} of {n:,} pictures, {time.time() - start:.0f} s", flush=True)
        fd.write("]\n")
    with open(gt + ".tmp", "w") as out:
        out.write('{"categories": %s,\n"images": [\n' % json.dumps(
            [{"id": i + 1, "name": c} for i, c in enumerate(CLASSES)]))
        copy_without_last_comma(gt + ".images", out)
        out.write('],\n"annotations": [\n')
        copy_without_last_comma(gt + ".annotations", out)
        out.write("]}\n")
    os.remove(gt + ".images")
    os.remove(gt + ".annotations")
    os.rename(gt + ".tmp", gt)
    os.rename(dt + ".tmp", dt)
    du = subprocess.run(["du", "-sh", images_dir], capture_output=True, text=True).stdout.split()[0]
    print(f"generated {n:,} pictures ({du}) in {time.time() - start:.0f} s; gt.json "
          f"{os.path.getsize(gt) >> 20} MB, dt.json {os.path.getsize(dt) >> 20} MB", flush=True)
    return images_dir, gt, dt


def copy_without_last_comma(path, out):
    with open(path) as f:
        previous = None
        for line in f:
            if previous is not None:
                out.write(previous)
            previous = line
        if previous is not None:
            out.write(previous.rstrip().rstrip(",") + "\n")


# ---- the cluster ----
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, work, workers=2, memory="6g"):
        self.dir = os.path.join(work, "cluster")
        shutil.rmtree(self.dir, ignore_errors=True)
        jars = os.path.join(self.dir, "spark-home", "jars")
        os.makedirs(jars)
        with open(os.path.join(ROOT, "jobs", "target", "spark-classpath.txt")) as f:
            for entry in f.read().strip().split(":"):
                if entry.endswith(".jar") and not os.path.exists(os.path.join(jars, os.path.basename(entry))):
                    os.symlink(entry, os.path.join(jars, os.path.basename(entry)))
        self.port, web = free_port(), free_port()
        self.processes = []
        self.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    str(self.port), "--webui-port", str(web))
        for w in range(workers):
            work_dir = os.path.join(self.dir, f"worker{w}")
            os.makedirs(work_dir)
            self.launch(f"worker{w}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", memory, "--webui-port", str(free_port()), "--work-dir", work_dir, self.url())
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                state = json.load(urllib.request.urlopen(f"http://127.0.0.1:{web}/json/"))
                if sum(1 for w in state["workers"] if w["state"] == "ALIVE") == workers:
                    return
            except OSError:
                pass
            time.sleep(1)
        sys.exit("the standalone cluster did not start: see " + self.dir)

    def url(self):
        return f"spark://127.0.0.1:{self.port}"

    def launch(self, name, main, *args):
        # a Spark home without launcher/target tells its Scala version only through SPARK_SCALA_VERSION
        env = dict(os.environ, SPARK_HOME=os.path.join(self.dir, "spark-home"), SPARK_LOCAL_IP="127.0.0.1",
                   SPARK_SCALA_VERSION="2.12")
        log = open(os.path.join(self.dir, name + ".log"), "w")
        self.processes.append(subprocess.Popen(
            ["java", "-Xmx512m", "-cp", os.path.join(self.dir, "spark-home", "jars") + "/*", main, *args],
            stdout=log, stderr=subprocess.STDOUT, env=env))

    def stop(self):
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            p.wait()


# ---- peak heaps ----
class HeapWatch(threading.Thread):
    """the largest used heap (eden, survivors, old) of the driver and of each executor: one
    `jstat -gc PID 1000` per JVM, reading the JVM's shared counters every second (starting a jstat
    per sample would cost more CPU than the job)"""

    def __init__(self, driver_pid):
        super().__init__(daemon=True)
        self.driver = driver_pid
        self.peaks = {}
        self.limits = {}
        self.watchers = {}
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(2.0):
            for pid, role in self.roles():
                # a jstat started before the JVM published its counters ends at once: started again
                if pid not in self.watchers or self.watchers[pid].poll() is not None:
                    p = subprocess.Popen(["jstat", "-gc", str(pid), "1000"], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True)
                    self.watchers[pid] = p
                    threading.Thread(target=self.follow, args=(p, role), daemon=True).start()
        for p in self.watchers.values():
            p.terminate()

    def follow(self, p, role):
        header = None
        for line in p.stdout:
            cols = line.split()
            if "EU" in cols:
                header = cols
                continue
            if header and len(cols) == len(header):
                row = dict(zip(header, cols))
                try:
                    used = sum(float(row[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024
                except ValueError:
                    continue
                self.peaks[role] = max(self.peaks.get(role, 0), used)

    def roles(self):
        out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
        found = [(self.driver, "driver")]
        for line in out.splitlines():
            pid, _, args = line.strip().partition(" ")
            if "sparkdet.cli.Main" in args and args.startswith("java") and int(pid) != self.driver:
                # the launcher's first run after a build is its child (it archives the classes), not itself
                found.append((int(pid), "driver"))
            if "CoarseGrainedExecutorBackend" in args:
                m = re.search(r"--executor-id (\S+)", args)
                role = "executor " + (m.group(1) if m else pid)
                found.append((int(pid), role))
                x = re.search(r"-Xmx(\S+)", args)
                self.limits[role] = x.group(1) if x else "?"
        return found


def timed(title, args, results, driver_heap):
    print(f"\n== {title}: sparkdet {' '.join(args)}", flush=True)
    env = dict(os.environ, SPARKDET_JAVA_OPTS=f"-Xmx{driver_heap} -XX:+UseParallelGC", SPARK_LOCAL_IP="127.0.0.1")
    start = time.time()
    p = subprocess.Popen([SPARKDET, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors="replace", env=env)
    watch = HeapWatch(p.pid)
    watch.start()
    lines = []
    for line in p.stdout:
        lines.append(line)
        if not line.startswith("[Stage") and ("WARN" in line or "ERROR" in line or not re.match(r"\d\d:\d\d", line)):
            print("   " + line.rstrip()[:200], flush=True)
    code = p.wait()
    wall = time.time() - start
    watch.stopped.set()
    watch.join()
    peaks = ", ".join(f"{role} {mb:,.0f} MB of {watch.limits.get(role, driver_heap)}"
                      for role, mb in sorted(watch.peaks.items()))
    results.append((title, code, wall, peaks))
    print(f"-> exit {code}, {wall:,.0f} s; peak used heap: {peaks}", flush=True)
    if code != 0:
        sys.exit(f"{title} failed")
    return "".join(lines)


def small_model(work, size):
    model = os.path.join(work, "model", "model.zip")
    if os.path.exists(model):
        return model
    for args in (["synth", "--output", os.path.join(work, "model-synth"), "--images", "200", "--size", str(size),
                  "--overwrite"],
                 ["ingest", "--format", "voc", "--input", os.path.join(work, "model-synth"), "--output",
                  os.path.join(work, "model-data"), "--overwrite"],
                 ["train", "--input", os.path.join(work, "model-data"), "--output", os.path.join(work, "model"),
                  "--overwrite", "--set", "train.epochs=1", "--set", "train.freeze-epochs=0", "--set",
                  f"train.input-size={size}", "--set", "train.width=0.25", "--set", "train.batch-size=8"]):
        r = subprocess.run([SPARKDET, *args], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sparkdet {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=1_000_000)
    ap.add_argument("--predict", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "million"))
    ap.add_argument("--driver-heap", default="4g")
    ap.add_argument("--executor-heap", default="4g")
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--steps", default="ingest,evaluate,predict", help="which of ingest,evaluate,predict to run")
    args = ap.parse_args()
    if args.fresh:
        shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; {args.images:,} pictures of {args.size} px, predict over "
          f"{args.predict:,}", flush=True)
    subprocess.run([SPARKDET, "--help"], capture_output=True)   # builds the jar first if needed
    images, gt, dt = generate(args.work, args.images, args.size)
    model = small_model(args.work, args.size)
    cluster = Cluster(args.work)
    results = []
    common = ["--master", cluster.url(), "--set", f'spark.conf."spark.executor.memory"={args.executor_heap}',
              "--overwrite"]
    try:
        steps = args.steps.split(",")
        if "ingest" in steps:
            timed("ingest", ["ingest", "--format", "coco", "--input", gt, "--images", images, "--output",
                             os.path.join(args.work, "dataset"), *common], results, args.driver_heap)
        if "evaluate" in steps:
            timed("evaluate", ["evaluate", "--gt", os.path.join(args.work, "dataset"), "--detections", dt, "--mode",
                               "cluster", "--output",
                               os.path.join(args.work, "eval"), *common], results, args.driver_heap)
        # the first --predict pictures: whole folders, linked under one input folder
        subset = os.path.join(args.work, f"predict-input-{args.predict}")
        if not os.path.isdir(subset):
            os.makedirs(subset + ".tmp", exist_ok=True)
            for f in range(args.predict // PER_FOLDER):
                src = os.path.join(images, "%04d" % f)
                dst = os.path.join(subset + ".tmp", "%04d" % f)
                os.makedirs(dst, exist_ok=True)
                for name in os.listdir(src):
                    os.link(os.path.join(src, name), os.path.join(dst, name))
            os.rename(subset + ".tmp", subset)
        if "predict" in steps:
            timed("predict", ["predict", "--model", model, "--input", subset, "--output",
                              os.path.join(args.work, "predicted"), *common], results, args.driver_heap)
    finally:
        cluster.stop()
    print("\nstep      exit     wall   peak used heap")
    for title, code, wall, peaks in results:
        print(f"{title:9s} {code:4d} {wall:7,.0f} s  {peaks}")
    if "predict" not in args.steps:
        return
    with open(os.path.join(args.work, "predicted", "summary.json")) as f:
        s = json.load(f)
    print("predict summary:", json.dumps(s)[:300])
    rate = args.predict / results[-1][2]
    print(f"predict: {rate:,.0f} images/s over the whole command; a million would take "
          f"{1_000_000 / rate / 3600:.1f} h at this rate on these {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
