"""The anchor of the ingest benchmark: what pycocotools' COCO(annotation_file) does on load
(json.load, then createIndex's dictionaries), timed on this machine, standard library only."""
import json
import resource
import sys
import time
from collections import defaultdict

t0 = time.time()
with open(sys.argv[1]) as f:
    dataset = json.load(f)
anns, cats, imgs = {}, {}, {}
img_to_anns, cat_to_imgs = defaultdict(list), defaultdict(list)
for ann in dataset.get('annotations', []):
    img_to_anns[ann['image_id']].append(ann)
    anns[ann['id']] = ann
for img in dataset.get('images', []):
    imgs[img['id']] = img
for cat in dataset.get('categories', []):
    cats[cat['id']] = cat
for ann in dataset.get('annotations', []):
    cat_to_imgs[ann['category_id']].append(ann['image_id'])
seconds = time.time() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print('python load+index: %d annotations in %.2f s = %.0f annotations/s; peak RSS %.0f MB'
      % (len(anns), seconds, len(anns) / seconds, peak_mb))
