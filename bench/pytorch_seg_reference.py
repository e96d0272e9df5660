#!/usr/bin/python3
"""PyTorch reference trainer of the segmentation families for sparkdet's learning-parity benchmark
(bench/learning-parity.sh with ARCH=deeplabv3plus, pspnet or unet) and its speed anchor
(bench/pytorch_train_anchor.py imports build_model).

Trains as bubbliiiing's deeplabv3-plus-pytorch (and pspnet-pytorch, unet-pytorch: the same train.py
and utils_fit.py up to the network and pspnet's auxiliary loss) does with no pretrained backbone and
no freezing: weights_init, Adam or SGD over model.parameters() with the weight decay on every one,
get_lr_scheduler('cos') set once per epoch, DeeplabDataset.get_random_data(random=True), CE_Loss
(ignore index = classes, the loader's label rule png[png >= classes] = classes), Dice_loss and
Focal_Loss when asked, pspnet's 0.4 x the auxiliary output's loss; then EvalCallback's
get_miou_png for the validation images every --eval-period epochs: letterbox (bicubic, grey), / 255,
softmax, the letterbox's content cropped, cv2.resize bilinear to the picture's size, argmax, a grey
PNG per image, which `sparkdet evaluate --task segment` scores as get_miou does.

The augmentation is get_random_data's with the recipe's values (the repositories hard-code jitter .3,
scale .25-2, flip .5, blur .25, rotation .25 within +-10 degrees, hue .1, sat .7, val .3): aspect
jitter and scale, resize (bicubic, the label nearest), flip, paste on grey (the label on 0), Gaussian
blur 5 x 5, rotation about the centre (bicubic on grey, the label nearest on 0), HSV lookup tables.

Networks: the fixtures' copies of the repositories' modules (scripts/make_segmentation_fixtures.py:
DeepLab, PSPNet; scripts/make_unet_fixture.py: Unet), at a width other than 1 the narrowed copies of
scripts/make_segmentation_exports.py, built as sparkdet's families narrow them (the mobilenetv2
DeepLabv3+ and PSPNet: MobileNetV2's width_mult, DeepLabv3+'s ASPP and decoder channels to multiples
of 8; the vgg UNet: every channel).
The state-dict names are the repositories', so `sparkdet train --set train.pretrained=init.pth`
loads this script's init draw by name and shape (SAME_INIT=1).

Debian packages (run with /usr/bin/python3): python3-torch python3-numpy python3-pil python3-opencv

usage:
  pytorch_seg_reference.py init --arch deeplabv3plus|pspnet|unet [--variant V] [--width 1] [--downsample 16]
        --classes N [--seed 11] --out FILE.pth
  pytorch_seg_reference.py train --arch A [--variant V] [--width 1] [--downsample 16] [--aux]
        --train VOC --val VOC [--heldout VOC] [--init FILE.pth] [--input 512] [--epochs 10] [--batch 16]
        [--optimizer adam|sgd] [--lr 5e-4] [--min-lr 5e-6] [--warmup-epochs 0] [--warmup-ratio 0.1]
        [--floor-ratio 0.3] [--momentum 0.9] [--weight-decay 0] [--dice] [--focal]
        [--jitter 0.3] [--scale-min 0.25] [--scale-max 2] [--flip 0.5] [--blur 0] [--rotate 0]
        [--rotate-degrees 10] [--hue 0.1] [--sat 0.7] [--value 0.3] [--threads 2] [--workers 2]
        [--worker-seeding distinct|reference] [--seed 11] [--eval-period 5] --out DIR

--lr and --min-lr are used as given: the caller scales them (train.py's Init_lr_fit and Min_lr_fit).
A VOC root is read whole: every JPEGImages/<stem>.jpg in name order with SegmentationClass/<stem>.png;
classes from classes.txt (without the background) or class_names.txt (with it).
Outputs of train: DIR/history.csv (epoch,train_loss,lr,seconds: the mean of the loss fit_one_epoch
back-propagates; the wall time of the epoch's training loop, data loading included, evaluation
excluded), DIR/epoch-NNNN/<stem>.png (the validation masks), DIR/final.pth, DIR/heldout/<stem>.png.
"""
import argparse
import os
import sys

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import pytorch_learning_reference as det  # noqa: E402  (its get_random_data helpers, schedule and epoch loop)
import make_segmentation_exports as narrow  # noqa: E402
import make_segmentation_fixtures as segnets  # noqa: E402
import make_segmentation_loss_fixture as seglosses  # noqa: E402
import make_unet_fixture as unetnets  # noqa: E402

cv2.setNumThreads(1)

ARCHS = {"deeplabv3plus": ("mobilenetv2", "xception"), "pspnet": ("mobilenetv2", "resnet50"),
         "unet": ("vgg", "resnet50")}


# ----------------------------------------------------------------------------------------------
# networks
# ----------------------------------------------------------------------------------------------

def build_model(arch, variant, num_classes, width=1.0, downsample=16, aux=False):
    """the reference's network; num_classes counts the background; at a width other than 1 (the
    mobilenetv2 DeepLabv3+ and PSPNet, the vgg UNet) the narrowed copy sparkdet's families build"""
    if variant not in ARCHS[arch]:
        raise SystemExit("--variant: %s takes one of %s" % (arch, ", ".join(ARCHS[arch])))
    if width != 1.0 and variant not in ("mobilenetv2", "vgg"):
        raise SystemExit("--width: %s %s has no width multiplier" % (arch, variant))
    if width != 1.0 and aux:
        raise SystemExit("--width: the narrowed PSPNet has no auxiliary branch")
    if arch == "deeplabv3plus":
        if width != 1.0:
            return narrow.NarrowDeepLab(num_classes, width, downsample)
        return segnets.DeepLab(num_classes, backbone="mobilenet" if variant == "mobilenetv2" else "xception",
                               pretrained=False, downsample_factor=downsample)
    if arch == "pspnet":
        if width != 1.0:
            return narrow.NarrowPSPNet(num_classes, width, downsample)
        return segnets.PSPNet(num_classes=num_classes, downsample_factor=downsample,
                              backbone="mobilenet" if variant == "mobilenetv2" else "resnet50",
                              pretrained=False, aux_branch=aux)
    if width != 1.0:
        return narrow.NarrowUnet(num_classes, width)
    return unetnets.Unet(num_classes=num_classes, pretrained=False, backbone=variant)


def weights_init(net, init_gain=0.02):
    """nets/deeplabv3_training.py's weights_init(init_type='normal'): conv weights N(0, 0.02), batch
    norm weights N(1, 0.02) and biases 0; other parameters keep PyTorch's defaults"""
    def init_func(m):
        classname = m.__class__.__name__
        if hasattr(m, 'weight') and classname.find('Conv') != -1:
            torch.nn.init.normal_(m.weight.data, 0.0, init_gain)
        elif classname.find('BatchNorm2d') != -1:
            torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
            torch.nn.init.constant_(m.bias.data, 0.0)
    net.apply(init_func)


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------

def read_classes(root):
    """the class names with the background first"""
    names = os.path.join(root, "class_names.txt")
    if os.path.exists(names):
        return [l.strip() for l in open(names, encoding="utf-8") if l.strip()]
    return ["background"] + [l.strip() for l in open(os.path.join(root, "classes.txt"), encoding="utf-8")
                             if l.strip()]


def read_voc_seg(root):
    jpegs = os.path.join(root, "JPEGImages")
    stems = sorted(n[:-4] for n in os.listdir(jpegs) if n.endswith(".jpg"))
    if not stems:
        raise SystemExit("no pictures under " + jpegs)
    return [(s, os.path.join(jpegs, s + ".jpg"), os.path.join(root, "SegmentationClass", s + ".png")) for s in stems]


def letterbox(img, w, h):
    """utils.resize_image: the picture scaled into w x h (bicubic), grey around, centred"""
    iw, ih = img.size
    s = min(w / iw, h / ih)
    nw, nh = int(iw * s), int(ih * s)
    canvas = Image.new("RGB", (w, h), (128, 128, 128))
    canvas.paste(img.resize((nw, nh), Image.BICUBIC), ((w - nw) // 2, (h - nh) // 2))
    return canvas, nw, nh


class TrainSet(Dataset):
    """DeeplabDataset(train=True) with the augmentation's values as arguments"""

    def __init__(self, items, size, num_classes, a):
        self.items, self.size, self.nc, self.a = items, size, num_classes, a

    def __len__(self):
        return len(self.items)

    def augment(self, image, label):
        a = self.a
        image = det.open_rgb(image)
        label = Image.fromarray(np.array(label))
        iw, ih = image.size
        h = w = self.size
        new_ar = iw / ih * det.rnd(1 - a.jitter, 1 + a.jitter) / det.rnd(1 - a.jitter, 1 + a.jitter)
        scale = det.rnd(a.scale_min, a.scale_max)
        if new_ar < 1:
            nh = int(scale * h)
            nw = int(nh * new_ar)
        else:
            nw = int(scale * w)
            nh = int(nw / new_ar)
        image = image.resize((nw, nh), Image.BICUBIC)
        label = label.resize((nw, nh), Image.NEAREST)
        if det.rnd() < a.flip:
            image = image.transpose(Image.FLIP_LEFT_RIGHT)
            label = label.transpose(Image.FLIP_LEFT_RIGHT)
        dx = int(det.rnd(0, w - nw))
        dy = int(det.rnd(0, h - nh))
        new_image = Image.new('RGB', (w, h), (128, 128, 128))
        new_label = Image.new('L', (w, h), (0))
        new_image.paste(image, (dx, dy))
        new_label.paste(label, (dx, dy))
        image_data = np.array(new_image, np.uint8)
        label = new_label
        if det.rnd() < a.blur:
            image_data = cv2.GaussianBlur(image_data, (5, 5), 0)
        if det.rnd() < a.rotate:
            center = (w // 2, h // 2)
            rotation = np.random.randint(-a.rotate_degrees, a.rotate_degrees + 1)
            m = cv2.getRotationMatrix2D(center, -rotation, scale=1)
            image_data = cv2.warpAffine(image_data, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=(128, 128, 128))
            label = cv2.warpAffine(np.array(label, np.uint8), m, (w, h), flags=cv2.INTER_NEAREST, borderValue=(0))
        return det.hsv_jitter(image_data, (a.hue, a.sat, a.val_gain)), label

    def __getitem__(self, index):
        _, jpg, png = self.items[index]
        image, label = self.augment(Image.open(jpg), Image.open(png))
        image = np.transpose(np.array(image, np.float64) / 255.0, [2, 0, 1])
        label = np.array(label)
        label[label >= self.nc] = self.nc
        seg_labels = np.eye(self.nc + 1)[label.reshape([-1])].reshape((self.size, self.size, self.nc + 1))
        return image, label, seg_labels


def collate(batch):
    """deeplab_dataset_collate"""
    images = torch.from_numpy(np.array([b[0] for b in batch])).type(torch.FloatTensor)
    pngs = torch.from_numpy(np.array([b[1] for b in batch])).long()
    seg_labels = torch.from_numpy(np.array([b[2] for b in batch])).type(torch.FloatTensor)
    return images, pngs, seg_labels


# ----------------------------------------------------------------------------------------------
# schedule, loss, evaluation
# ----------------------------------------------------------------------------------------------

def train_loss(outputs, pngs, labels, nc, a):
    """fit_one_epoch's loss: pspnet with aux_branch returns (aux, main)"""
    weights = torch.from_numpy(np.ones([nc], np.float32))
    if isinstance(outputs, (tuple, list)):
        return seglosses.fit_loss_aux(seglosses.COPIED, outputs[0], outputs[1], pngs, labels, weights, nc,
                                      a.dice, a.focal)
    return seglosses.fit_loss(seglosses.COPIED, outputs, pngs, labels, weights, nc, a.dice, a.focal)


def write_masks(model, items, size, out_dir):
    """get_miou_png for each picture, saved as a grey PNG of class indices"""
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    with torch.no_grad():
        for stem, jpg, _ in items:
            image = det.open_rgb(Image.open(jpg))
            ow, oh = image.size
            boxed, nw, nh = letterbox(image, size, size)
            data = np.expand_dims(np.transpose(np.array(boxed, np.float32) / 255.0, (2, 0, 1)), 0)
            pr = model(torch.from_numpy(data))
            if isinstance(pr, (tuple, list)):
                pr = pr[-1]
            pr = F.softmax(pr[0].permute(1, 2, 0), dim=-1).numpy()
            pr = pr[int((size - nh) // 2): int((size - nh) // 2 + nh), int((size - nw) // 2): int((size - nw) // 2 + nw)]
            pr = cv2.resize(pr, (ow, oh), interpolation=cv2.INTER_LINEAR).argmax(axis=-1)
            Image.fromarray(np.uint8(pr)).save(os.path.join(out_dir, stem + ".png"))


# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------

def float_state(model):
    return {k: v.float() if v.is_floating_point() else v for k, v in model.state_dict().items()}


def cmd_init(a):
    torch.manual_seed(a.seed)
    model = build_model(a.arch, a.variant, a.classes, a.width, a.downsample, a.aux)
    weights_init(model)
    torch.save(float_state(model), a.out)
    print("wrote %s (%d tensors, %d parameters)" % (a.out, len(model.state_dict()),
                                                    sum(p.numel() for p in model.parameters())))


def cmd_train(a):
    torch.set_num_threads(a.threads)
    det.seed_all(a.seed)
    names = read_classes(a.train)
    nc = len(names)
    train_items, val_items = read_voc_seg(a.train), read_voc_seg(a.val)
    model = build_model(a.arch, a.variant, nc, a.width, a.downsample, a.aux)
    if a.init:
        model.load_state_dict(torch.load(a.init, map_location="cpu"), strict=True)
    else:
        weights_init(model)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), a.lr, betas=(a.momentum, 0.999), weight_decay=a.weight_decay)
    else:
        opt = torch.optim.SGD(model.parameters(), a.lr, momentum=a.momentum, nesterov=True,
                              weight_decay=a.weight_decay)
    lr_at = det.cos_schedule(a.lr, a.min_lr, a.epochs, a.warmup_epochs, a.warmup_ratio, a.floor_ratio)
    data = TrainSet(train_items, a.input, nc, a)
    steps = len(data) // a.batch
    if steps == 0:
        raise SystemExit("fewer training images (%d) than one batch (%d)" % (len(data), a.batch))
    loader = DataLoader(data, batch_size=a.batch, shuffle=True, drop_last=True, num_workers=a.workers,
                        collate_fn=collate, worker_init_fn=det.make_worker_init(a) if a.workers > 0 else None)
    os.makedirs(a.out, exist_ok=True)
    print("%s %s width %g, %d parameters; train %d images (%d steps/epoch), val %d, classes %s, %s lr %g..%g"
          % (a.arch, a.variant, a.width, sum(p.numel() for p in model.parameters()), len(train_items), steps,
             len(val_items), ",".join(names), a.optimizer, a.lr, a.min_lr), flush=True)
    det.train_epochs(a, model, opt, loader, steps, lr_at, lambda b: train_loss(model(b[0]), b[1], b[2], nc, a),
                     lambda epoch_dir: write_masks(model, val_items, a.input, epoch_dir))
    torch.save(float_state(model), os.path.join(a.out, "final.pth"))
    if a.heldout:
        write_masks(model, read_voc_seg(a.heldout), a.input, os.path.join(a.out, "heldout"))
        print("wrote the held-out masks to " + os.path.join(a.out, "heldout"), flush=True)


def network_args(p):
    p.add_argument("--arch", choices=sorted(ARCHS), default="deeplabv3plus")
    p.add_argument("--variant", default=None, help="deeplabv3plus: mobilenetv2 (default), xception; pspnet: "
                   "mobilenetv2 (default), resnet50; unet: vgg (default), resnet50")
    p.add_argument("--width", type=float, default=1.0, help="the mobilenetv2 and vgg backbones only")
    p.add_argument("--downsample", type=int, choices=[8, 16], default=16)
    p.add_argument("--aux", action="store_true", help="pspnet's auxiliary branch")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("init", help="weights_init'ed float32 state dict")
    network_args(i)
    i.add_argument("--classes", type=int, required=True, help="with the background")
    i.add_argument("--seed", type=int, default=11)
    i.add_argument("--out", required=True)

    t = sub.add_parser("train", help="train; masks of the validation set every --eval-period epochs")
    network_args(t)
    t.add_argument("--train", required=True)
    t.add_argument("--val", required=True)
    t.add_argument("--heldout", default=None)
    t.add_argument("--init", default=None, help="start from this state dict (strict) instead of weights_init")
    t.add_argument("--input", type=int, default=512)
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--min-lr", type=float, default=5e-6)
    t.add_argument("--warmup-epochs", type=float, default=0)
    t.add_argument("--warmup-ratio", type=float, default=0.1, help="the warm-up's first rate over the rate")
    t.add_argument("--floor-ratio", type=float, default=0.3, help="the fraction of the epochs at the floor rate")
    t.add_argument("--momentum", type=float, default=0.9)
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--dice", action="store_true")
    t.add_argument("--focal", action="store_true")
    t.add_argument("--jitter", type=float, default=0.3)
    t.add_argument("--scale-min", type=float, default=0.25)
    t.add_argument("--scale-max", type=float, default=2.0)
    t.add_argument("--flip", type=float, default=0.5)
    t.add_argument("--blur", type=float, default=0.0)
    t.add_argument("--rotate", type=float, default=0.0)
    t.add_argument("--rotate-degrees", type=int, default=10)
    t.add_argument("--hue", type=float, default=0.1)
    t.add_argument("--sat", type=float, default=0.7)
    t.add_argument("--value", dest="val_gain", type=float, default=0.3)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--workers", type=int, default=2)
    t.add_argument("--worker-seeding", choices=["distinct", "reference"], default="distinct",
                   help="distinct: each DataLoader worker its own stream per epoch; reference: utils.worker_init_fn's "
                   "one seed for every worker and epoch")
    t.add_argument("--seed", type=int, default=11)
    t.add_argument("--eval-period", type=int, default=5)
    t.add_argument("--out", required=True)
    a = p.parse_args(argv)
    a.variant = a.variant or ARCHS[a.arch][0]
    if a.cmd == "init":
        cmd_init(a)
    else:
        cmd_train(a)


if __name__ == "__main__":
    main()
