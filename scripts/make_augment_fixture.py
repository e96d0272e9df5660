#!/usr/bin/python3
"""Writes the OpenCV fixture that sparkdet's blur and rotation augmentation (Pixels.blurred,
Pixels.rotated, Masks.rotated) is tested against (AugmentBlurRotateTest).

Run with Debian's OpenCV and numpy (apt-get install -y python3-opencv; /usr/bin/python3), from the
repository root:  /usr/bin/python3 scripts/make_augment_fixture.py

The blur and rotation lines are copied from bubbliiiing/deeplabv3-plus-pytorch's
utils/dataloader.py, get_random_data with random=True (pspnet-pytorch's is the same text): after the
paste onto the grey canvas and before the HSV change,

    image_data = cv2.GaussianBlur(image_data, (5, 5), 0)                         # blur
    center     = (w // 2, h // 2)                                                  # rotate
    M          = cv2.getRotationMatrix2D(center, -rotation, scale=1)
    image_data = cv2.warpAffine(image_data, M, (w, h), flags=cv2.INTER_CUBIC, borderValue=(128,128,128))
    label      = cv2.warpAffine(np.array(label, np.uint8), M, (w, h), flags=cv2.INTER_NEAREST, borderValue=(0))

Inputs are square, as sparkdet's canvas is (input-size x input-size): one odd side (w // 2 is then
below the true centre, as for PSPNet's 473) and one even. Pictures are noise, the harshest case for
exact equality of the filters; masks are blocks of classes 0, 1, 2 and 255 (ignore).

Output, augment_blur_rotate.json: per case its side, the picture (RGB, row-major) and mask as base64
bytes, the blurred picture, and per angle (the reference's `rotation`, degrees clockwise) the rotated
picture and mask. A few KB.
"""
import base64
import json
import os

import cv2
import numpy as np

CASES = [(13, [-10, 4, 10]), (10, [-7, 10])]


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, np.uint8).tobytes()).decode("ascii")


def blur(image_data):
    return cv2.GaussianBlur(image_data, (5, 5), 0)


def rotate(image_data, label, rotation):
    h, w = label.shape
    center = (w // 2, h // 2)
    M = cv2.getRotationMatrix2D(center, -rotation, scale=1)
    image_data = cv2.warpAffine(image_data, M, (w, h), flags=cv2.INTER_CUBIC, borderValue=(128, 128, 128))
    label = cv2.warpAffine(np.array(label, np.uint8), M, (w, h), flags=cv2.INTER_NEAREST, borderValue=(0))
    return image_data, label


def case(rng, side, angles):
    image = rng.randint(0, 256, (side, side, 3)).astype(np.uint8)
    mask = np.zeros((side, side), np.uint8)
    mask[1:side // 2, 2:side - 2] = 1
    mask[side // 2:side - 1, 1:side // 2] = 2
    mask[side - 3:, side - 3:] = 255
    out = {"side": side, "image": b64(image), "mask": b64(mask), "blurred": b64(blur(image)), "rotations": []}
    for a in angles:
        rotated, label = rotate(image, mask, a)
        assert set(np.unique(label)) <= set(np.unique(mask)) | {0}
        out["rotations"].append({"degrees": a, "image": b64(rotated), "mask": b64(label)})
    return out


def main():
    rng = np.random.RandomState(2024)
    fixture = {
        "made_by": "scripts/make_augment_fixture.py with OpenCV " + cv2.__version__,
        "cases": [case(rng, side, angles) for side, angles in CASES],
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pipeline", "src", "test", "resources",
                          "fixtures", "augment_blur_rotate.json")
    with open(target, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
