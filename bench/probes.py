#!/usr/bin/python3
"""The hostile-user probes of issue 12, re-run: each probe builds its input, runs bin/sparkdet once
(local[1], a JVM each) and prints its exit code, the expected one, and the line that explains it
(the command's own message, or what the probe checked in the output).

    bench/probes.py [--work out/probes] [--only NAME ...]

Needs python3 only (the hostile files are made byte by byte); about 5 minutes on 2 cores. A tiny
model is trained first (20 synthetic images, one epoch) for the probes that need one.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPARKDET = os.path.join(ROOT, "bin", "sparkdet")
DOG = "/usr/share/darknet/data/dog.jpg"
# a real ONNX model (constant outputs), so that the sidecar probes reach the sidecar
ONNX = os.path.join(ROOT, "pipeline", "src", "test", "resources", "fixtures", "infer", "yolov8_constant.onnx")


def run(*args, env=None):
    start = time.time()
    e = dict(os.environ, SPARKDET_JAVA_OPTS=os.environ.get("SPARKDET_JAVA_OPTS", "-Xmx4g -XX:+UseParallelGC"))
    if env:
        e.update(env)
    p = subprocess.run([SPARKDET, *args], capture_output=True, text=True, errors="replace", env=e)
    return p.returncode, p.stdout + p.stderr, time.time() - start


def message(output):
    """the command's own one-line verdict: its 'sparkdet <command>:' line, else the last line"""
    lines = [l for l in output.splitlines() if l.strip()]
    for l in lines:
        if l.startswith("sparkdet ") and ":" in l:
            return l
    return lines[-1] if lines else ""


class Probes:
    def __init__(self, work):
        self.work = work
        self.rows = []

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def fresh(self, name):
        d = self.path(name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    def record(self, name, expected, code, note, seconds):
        ok = code in expected if isinstance(expected, tuple) else code == expected
        self.rows.append((name, code, expected, "ok" if ok else "FAILED", seconds, note))
        print(f"{name:34s} exit {code} (want {expected}) {'ok' if ok else 'FAILED'}  {seconds:5.1f}s  {note}",
              flush=True)

    # ---- set-up: a tiny trained model, a dataset and a folder of photos ----
    def setup(self):
        synth = self.path("synth")
        if not os.path.exists(self.path("model", "model.zip")):
            shutil.rmtree(synth, ignore_errors=True)
            for args in (["synth", "--output", synth, "--images", "20", "--size", "64"],
                         ["ingest", "--master", "local[1]", "--format", "voc", "--input", synth, "--output",
                          self.path("dataset"), "--overwrite"],
                         ["train", "--master", "local[1]", "--input", self.path("dataset"), "--output",
                          self.path("model"), "--overwrite", "--set", "train.epochs=1", "--set",
                          "train.input-size=64", "--set", "train.width=0.25", "--set", "train.batch-size=4",
                          "--set", "train.eval-period=1", "--set", "train.freeze-epochs=0"]):
                code, out, _ = run(*args)
                if code != 0:
                    sys.exit(f"set-up failed: sparkdet {' '.join(args)}\n{out}")
        self.model = self.path("model", "model.zip")
        photos = self.fresh("photos")
        shutil.copy(DOG, os.path.join(photos, "dog.jpg"))
        self.photos = photos

    def predict(self, name, expected, model, inputs, check=None, extra=()):
        out = self.path(re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-") + "-out")
        shutil.rmtree(out, ignore_errors=True)
        code, output, s = run("predict", "--master", "local[1]", "--model", model, "--input", inputs, "--output",
                              out, *extra)
        note = check(out, output) if check and code == 0 else message(output)
        self.record(name, expected, code, note, s)

    # ---- 1: outputs ----
    def output_is_input(self):
        code, out, s = run("predict", "--master", "local[1]", "--model", self.model, "--input", self.photos,
                           "--output", self.photos, "--overwrite")
        self.record("predict --output = its --input", 2, code, message(out) + f" | dog.jpg kept: "
                    f"{os.path.exists(os.path.join(self.photos, 'dog.jpg'))}", s)
        code, out, s = run("predict", "--master", "local[1]", "--model", self.model, "--input", self.photos,
                           "--output", os.path.dirname(self.model), "--overwrite")
        self.record("predict --output = the run folder", 2, code, message(out), s)
        taken = self.fresh("taken")
        open(os.path.join(taken, "mine.txt"), "w").write("mine")
        code, out, s = run("predict", "--master", "local[1]", "--model", self.model, "--input", self.photos,
                           "--output", taken)
        self.record("predict into a non-empty folder", 2, code, message(out), s)
        colon = self.path("run:2 (copy)")
        shutil.rmtree(colon, ignore_errors=True)
        code, out, s = run("predict", "--master", "local[1]", "--model", self.model, "--input", self.photos,
                           "--output", colon)
        self.record("predict --output 'run:2 (copy)'", 0, code,
                    f"wrote {sorted(os.listdir(colon))}" if code == 0 else message(out), s)

    # ---- 2: decompression bombs ----
    def bombs(self):
        d = self.fresh("bomb")
        png = os.path.join(d, "bomb.png")
        side = 30000
        raw = zlib.compressobj(9)
        row = b"\x00" + b"\x00" * (side * 3)
        body = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        with open(png, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", body) + chunk(b"IEND", b""))
        shutil.copy(DOG, os.path.join(d, "dog.jpg"))
        self.predict("PNG bomb 30000x30000 (predict)", 0, self.model, d, lambda out, _: summary_note(out))
        voc = self.fresh("bomb-voc")
        os.makedirs(os.path.join(voc, "Annotations"))
        os.makedirs(os.path.join(voc, "JPEGImages"))
        shutil.copy(png, os.path.join(voc, "JPEGImages", "bomb.png"))
        open(os.path.join(voc, "Annotations", "bomb.xml"), "w").write(
            "<annotation><filename>bomb.png</filename><object><name>cat</name><bndbox><xmin>1</xmin>"
            "<ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>")
        out = self.path("bomb-dataset")
        shutil.rmtree(out, ignore_errors=True)
        code, output, s = run("ingest", "--master", "local[1]", "--format", "voc", "--input", voc, "--output", out)
        self.record("PNG bomb 30000x30000 (ingest)", (0, 3), code, quarantine_note(out) or message(output), s)

    # ---- 3 and 8: hostile model files ----
    def models(self):
        d = self.fresh("models")
        good = zipfile.ZipFile(self.model)
        names = good.namelist()

        def rezip(name, extra):
            path = os.path.join(d, name)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for n in names:
                    z.writestr(n, good.read(n))
                extra(z)
            return path

        def huge_entry(z, entry="unused.bin", size=2_000_000_000):
            info = zipfile.ZipInfo(entry)
            info.compress_type = zipfile.ZIP_DEFLATED   # 2e9 zeros in about 2 MB
            with z.open(info, "w", force_zip64=True) as f:
                block = bytes(1 << 24)
                for _ in range(size // len(block)):
                    f.write(block)
        probes = [
            ("model.zip: unused 2e9-byte entry", rezip("unused.zip", huge_entry)),
            ("model.zip: zip-slip entry name", rezip("slip.zip", lambda z: z.writestr("../../evil.txt", "x"))),
        ]
        lying = os.path.join(d, "lying.zip")
        data = bytearray(open(self.model, "rb").read())
        cd = data.rfind(b"PK\x01\x02")
        struct.pack_into("<I", data, cd + 24, 2_000_000_000)   # the last entry's uncompressed size
        open(lying, "wb").write(data)
        probes.append(("model.zip: central directory lies", lying))
        for title, path in probes:
            self.predict(title, (0, 3), path, self.photos, lambda out, _: summary_note(out))

        def torch_zip(name, pickle):
            path = os.path.join(d, name)
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("archive/data.pkl", pickle)
                z.writestr("archive/version", "3\n")
            sidecar(path)
            return path
        evil = torch_zip("evil.pth", b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.")
        self.predict(".pth whose pickle names os.system", 3, evil, self.photos)
        bigstr = torch_zip("bigstring.pth", b"\x80\x02X" + struct.pack("<I", 2_147_483_000) + b"abc")
        self.predict(".pth declaring a 2.1e9-byte string", 3, bigstr, self.photos)
        truncated = os.path.join(d, "truncated.pth")
        weights = good.read([n for n in names if n.endswith("weights.pth")][0])
        open(truncated, "wb").write(weights[: len(weights) // 2])
        sidecar(truncated)
        self.predict(".pth truncated", 3, truncated, self.photos)
        for ext in ("pt", "onnx"):
            path = os.path.join(d, "random." + ext)
            open(path, "wb").write(os.urandom(4096))
            sidecar(path)
            self.predict(f"random bytes .{ext}", 3, path, self.photos)
        missing = os.path.join(d, "nosidecar.onnx")
        shutil.copy(ONNX, missing)
        with open(missing + ".conf", "w") as f:
            f.write("layout = yolov8\nclasses-file = missing.txt\n")
        self.predict("sidecar: missing classes file", 3, missing, self.photos)

    # ---- 4: sidecars ----
    def sidecars(self):
        d = self.fresh("sidecars")
        for title, body in (("sidecar classes-file ../../etc/passwd", "classes-file = \"../../../../../etc/passwd\""),
                            ("sidecar classes = [${HOME}]", "classes = [${HOME}, ${PATH}]")):
            path = os.path.join(d, f"m{len(self.rows)}.onnx")
            shutil.copy(ONNX, path)
            with open(path + ".conf", "w") as f:
                f.write("layout = yolov8\n" + body + "\n")
            self.predict(title, (2, 3), path, self.photos)

    # ---- 5: output names ----
    def names(self):
        d = self.fresh("names")
        for n in ("dog.jpg", "a b.jpg", "a_b.jpg", "new\nline.jpg", "co:lon.jpg"):
            shutil.copy(DOG, os.path.join(d, n))
        from_jpg = subprocess.run(["/usr/bin/python3", "-c", "from PIL import Image; import sys; "
                                   "Image.open(sys.argv[1]).save(sys.argv[2])", DOG, os.path.join(d, "dog.png")])
        if from_jpg.returncode != 0:
            shutil.copy(DOG, os.path.join(d, "dog.png"))

        def check(out, _):
            txt = sorted(os.listdir(os.path.join(out, "txt")))
            dets = json.load(open(os.path.join(out, "detections.json")))
            s = json.load(open(os.path.join(out, "summary.json")))
            return (f"{len(txt)} txt files for 6 images, {len({x['image_id'] for x in dets})} image ids with "
                    f"detections, errors {s.get('errors', s.get('failed'))}")
        self.predict("dog.jpg+dog.png, 'a b'+'a_b', \\n, :", 0, self.model, d, check)

    # ---- 7: recipe keys ----
    def settings(self):
        for key in ("train.epoch=1", "train.augment.mosiac=true"):
            code, out, s = run("train", "--master", "local[1]", "--input", self.path("dataset"), "--output",
                               self.path("never"), "--set", key)
            self.record(f"--set {key}", 2, code, message(out), s)

    # ---- 6: pretrained ----
    def pretrained(self):
        code, out, s = run("train", "--master", "local[1]", "--input", self.path("dataset"), "--output",
                           self.path("pretrained-run"), "--overwrite", "--set", "train.epochs=1", "--set",
                           "train.input-size=64", "--set", "train.width=0.25", "--set", "train.batch-size=4",
                           "--set", "train.freeze-epochs=0", "--set", f"train.pretrained={self.model}")
        self.record("train.pretrained = a model.zip", 0, code, message(out) if code else "trained", s)
        bad = os.path.join(self.path("models"), "random.onnx")
        code, out, s = run("train", "--master", "local[1]", "--input", self.path("dataset"), "--output",
                           self.path("pretrained-bad"), "--overwrite", "--set", f"train.pretrained={bad}")
        self.record("train.pretrained = random bytes", 3, code, message(out), s)

    # ---- 9: evaluate ----
    def evaluate(self):
        d = self.fresh("eval")
        images = [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 100}]
        long_name = "n" * 300
        gt = {"images": images, "categories": [{"id": 1, "name": long_name}, {"id": 2, "name": "all"}],
              "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "area": 400,
                               "iscrowd": 0},
                              {"id": 2, "image_id": 1, "category_id": 2, "bbox": [50, 50, 20, 20], "area": 400,
                               "iscrowd": 0}]}
        dt = [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9},
              {"image_id": 1, "category_id": 2, "bbox": [70, 70, -20, 20], "score": 0.8}]
        json.dump(gt, open(os.path.join(d, "gt.json"), "w"))
        json.dump(dt, open(os.path.join(d, "dt.json"), "w"))
        gt["annotations"] = []
        json.dump(gt, open(os.path.join(d, "empty.json"), "w"))

        def curves(out, metrics):
            return (f"pr_curves: {sorted(os.listdir(os.path.join(out, 'pr_curves')))[:3]}..., negative-size "
                    f"detections {metrics['counts'].get('negative_size_detections')}")

        def undefined(out, metrics):
            text = open(os.path.join(out, "metrics.json")).read()
            return f"'NaN' in metrics.json: {'NaN' in text}; undefined: {len(metrics.get('undefined', {}))}"
        self.evaluate_case("evaluate: 300-char class, class 'all'", os.path.join(d, "gt.json"),
                           os.path.join(d, "dt.json"), os.path.join(d, "out"), curves)
        self.evaluate_case("evaluate: ground truth without objects", os.path.join(d, "empty.json"),
                           os.path.join(d, "dt.json"), os.path.join(d, "empty-out"), undefined)

    def evaluate_case(self, title, gt, dt, out, check):
        """evaluate must succeed; check(out, metrics) says what it wrote"""
        code, output, s = run("evaluate", "--master", "local[1]", "--gt", gt, "--detections", dt, "--output", out)
        note = message(output)
        if code == 0:
            note = check(out, json.load(open(os.path.join(out, "metrics.json"))))
        self.record(title, 0, code, note, s)

    def output_inside_input(self):
        d = self.fresh("inside")
        shutil.copy(DOG, os.path.join(d, "dog.jpg"))
        out = os.path.join(d, "predicted")
        counts = []
        for _ in range(2):
            code, output, s = run("predict", "--master", "local[1]", "--model", self.model, "--input", d,
                                  "--output", out, "--draw", "--overwrite")
            counts.append(summary_note(out) if code == 0 else message(output))
        self.record("--output inside --input, twice", 0, code, " / ".join(counts), s)

    # ---- ingest: annotations ----
    def annotations(self):
        d = self.fresh("xml")
        os.makedirs(os.path.join(d, "Annotations"))
        os.makedirs(os.path.join(d, "JPEGImages"))
        shutil.copy(DOG, os.path.join(d, "JPEGImages", "dog.jpg"))
        bodies = {
            "xxe": '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   '<annotation><filename>dog.jpg</filename><object><name>&x;</name></object></annotation>',
            "laughs": '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
                      '&a;&a;&a;&a;">]><annotation><filename>dog.jpg</filename></annotation>',
            "truncated": "<annotation><filename>dog.jpg</filename><object><name>dog",
        }
        for name, body in bodies.items():
            open(os.path.join(d, "Annotations", name + ".xml"), "w").write(body)
        out = self.path("xml-dataset")
        shutil.rmtree(out, ignore_errors=True)
        code, output, s = run("ingest", "--master", "local[1]", "--format", "voc", "--input", d, "--output", out)
        self.record("VOC: XXE, billion laughs, truncated", (0, 3), code, quarantine_note(out) or message(output), s)
        coco = {"images": [{"id": 1, "file_name": "../../../etc/passwd", "width": 10, "height": 10}],
                "categories": [{"id": 1, "name": "x"}], "annotations": []}
        json.dump(coco, open(os.path.join(d, "coco.json"), "w"))
        out = self.path("coco-dataset")
        shutil.rmtree(out, ignore_errors=True)
        code, output, s = run("ingest", "--master", "local[1]", "--format", "coco", "--input",
                              os.path.join(d, "coco.json"), "--images", d, "--output", out)
        self.record("COCO: ../../../etc/passwd", (0, 3), code, quarantine_note(out) or message(output), s)


def sidecar(model):
    with open(model + ".conf", "w") as f:
        f.write("layout = yolo-anchors\nanchors = [10,14, 23,27, 37,58, 81,82, 135,169, 344,319]\n"
                "classes = [circle, square, triangle]\nwidth = 0.25\ninput-size = 64\n")


def summary_note(out):
    try:
        s = json.load(open(os.path.join(out, "summary.json")))
        return ", ".join(f"{k} {v}" for k, v in s.items() if not isinstance(v, (dict, list)))[:160]
    except OSError as e:
        return f"no summary.json: {e}"


def quarantine_note(out):
    path = os.path.join(out, "quarantine.jsonl")
    if not os.path.exists(path):
        return None
    reasons = [json.loads(l).get("reason") for l in open(path) if l.strip()]
    return f"quarantined {len(reasons)}: {sorted(set(map(str, reasons)))}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "probes"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    p = Probes(args.work)
    p.setup()
    groups = ["output_is_input", "bombs", "models", "sidecars", "names", "settings", "pretrained", "evaluate",
              "output_inside_input", "annotations"]
    for g in groups:
        if not args.only or g in args.only:
            getattr(p, g)()
    failed = [r for r in p.rows if r[3] != "ok"]
    print(f"\n{len(p.rows)} probes, {len(failed)} not as wanted")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
