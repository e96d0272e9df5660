package sparkdet.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;

/**
 * The random data augmentation of bubbliiiing's YOLO repositories (utils/dataloader.py: the
 * single-image path and the mosaic of four), reimplemented on byte arrays and OpenCV. Every draw
 * comes from the generator passed in, so a sample is a pure function of its sources and seed.
 * Outputs are size x size; boxes are clipped to the input and slivers dropped.
 */
public final class TrainTransforms {
    /** the mosaic's cross lies in this fraction of the input, on each axis */
    private static final double MOSAIC_CUT_MIN = 0.3;
    private static final double MOSAIC_CUT_MAX = 0.7;
    /** a mosaic's pictures are smaller than a single image's: each fills about one quadrant */
    private static final double MOSAIC_MIN_SCALE = 0.4;
    private static final double MOSAIC_MAX_SCALE = 1.0;

    private TrainTransforms() {
    }

    /** validation and {@link Augmentation#none()}: the letterbox, boxes mapped into it */
    public static Sample letterboxed(Sample source, int size) {
        Letterbox lb = Letterbox.of(source.image(), size);
        LabelMap mask = source.mask() == null ? null : Masks.letterboxed(source.mask(), lb, size);
        return new Sample(lb.image(), lb.toInput(source.boxes()), mask);
    }

    /**
     * One image with its aspect ratio jittered, scaled by a random factor of the input size,
     * placed at a random position on grey (parts may fall outside), maybe mirrored, maybe blurred,
     * maybe turned with its mask (the segmentation references' blur and rotation, in their order:
     * after the paste, before the colour change), maybe recoloured.
     */
    public static Sample single(Sample source, int size, Augmentation aug, RandomGenerator rng) {
        requireMaskToRotate(source, aug);
        Picture p = Picture.draw(source, size, aug.jitter(), aug.minScale(), aug.maxScale(),
                aug.flipProbability(), rng);
        int dx = (int) Draws.uniform(rng, 0, size - p.image.width());
        int dy = (int) Draws.uniform(rng, 0, size - p.image.height());
        RgbImage canvas = Pixels.filled(size, size, Pixels.GREY);
        Region all = Region.of(size, size);
        Pixels.paste(p.image, canvas, dx, dy, all);
        List<Box> boxes = p.place(all, dx, dy);
        LabelMap mask = null;
        if (p.mask != null) {
            mask = Masks.filled(size, size, Masks.FILL);
            Masks.paste(p.mask, mask, dx, dy, all);
        }
        // no draw when a switch is off, so the recipes without them see the random streams they always saw
        if (aug.blurProbability() > 0 && Draws.chance(rng, aug.blurProbability())) {
            canvas = Pixels.blurred(canvas);
        }
        if (aug.rotateProbability() > 0 && Draws.chance(rng, aug.rotateProbability())) {
            int degrees = Draws.integer(rng, -aug.rotateDegrees(), aug.rotateDegrees());
            canvas = Pixels.rotated(canvas, degrees);
            mask = Masks.rotated(mask, degrees);
            // a segmentation model learns the mask alone; boxes that a dataset also carries (coco --task
            // segment) would need re-fitting to the turned objects, so the turned sample has none
            boxes = List.of();
        }
        return finish(canvas, boxes, mask, aug, rng);
    }

    /**
     * Four images around a random cross: each scaled and jittered, its corner at the cross, cut to
     * its quadrant with its boxes; then one colour change for the whole. The sources land in
     * random quadrants.
     */
    public static Sample mosaic(List<Sample> four, int size, Augmentation aug, RandomGenerator rng) {
        if (four.size() != 4) {
            throw new IllegalArgumentException("a mosaic takes 4 images, got " + four.size());
        }
        requireNoMasks("a mosaic", four);
        List<Sample> order = new ArrayList<>(four);
        Draws.shuffle(order, rng);
        int cx = (int) (size * Draws.uniform(rng, MOSAIC_CUT_MIN, MOSAIC_CUT_MAX));
        int cy = (int) (size * Draws.uniform(rng, MOSAIC_CUT_MIN, MOSAIC_CUT_MAX));
        RgbImage canvas = Pixels.filled(size, size, Pixels.GREY);
        List<Box> boxes = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            Picture p = Picture.draw(order.get(q), size, aug.jitter(), MOSAIC_MIN_SCALE, MOSAIC_MAX_SCALE,
                    aug.flipProbability(), rng);
            // quadrants counter-clockwise from the top left; each picture touches the cross
            boolean left = q < 2;
            boolean top = q == 0 || q == 3;
            int dx = left ? cx - p.image.width() : cx;
            int dy = top ? cy - p.image.height() : cy;
            Region quadrant = new Region(left ? 0 : cx, top ? 0 : cy, left ? cx : size, top ? cy : size);
            Pixels.paste(p.image, canvas, dx, dy, quadrant);
            boxes.addAll(p.place(quadrant, dx, dy));
        }
        return finish(canvas, boxes, null, aug, rng);
    }

    /**
     * MixUp as the repositories' dataloader does it: the two pictures half and half (rounded half
     * up: the reference keeps the .5 in floats, a difference below one grey level), the boxes of
     * both.
     */
    public static Sample mixup(Sample first, Sample second) {
        requireNoMasks("mixup", List.of(first, second));
        RgbImage a = first.image();
        RgbImage b = second.image();
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("mixup takes two pictures of one size, got " + a.width() + "x"
                    + a.height() + " and " + b.width() + "x" + b.height());
        }
        byte[] blend = new byte[a.rgb().length];
        for (int i = 0; i < blend.length; i++) {
            blend[i] = (byte) (((a.rgb()[i] & 0xff) + (b.rgb()[i] & 0xff) + 1) >> 1);
        }
        List<Box> boxes = new ArrayList<>(first.boxes());
        boxes.addAll(second.boxes());
        return new Sample(new RgbImage(a.width(), a.height(), blend), boxes);
    }

    /** the segmentation repositories train on single images: a mosaic or mixup would have to blend masks */
    private static void requireNoMasks(String what, List<Sample> samples) {
        for (Sample s : samples) {
            if (s.mask() != null) {
                throw new IllegalArgumentException(what + " is for boxes: set train.mosaic and train.mixup to 0 "
                        + "for a segmentation model");
            }
        }
    }

    /**
     * the rotation turns masks, as the segmentation repositories do; boxes turned would need
     * re-fitting, so a sample without a mask is refused whenever rotation is on, not only when drawn
     */
    private static void requireMaskToRotate(Sample source, Augmentation aug) {
        if (aug.rotateProbability() > 0 && source.mask() == null) {
            throw new IllegalArgumentException("augment.rotate-probability is for segmentation models (masks); boxes "
                    + "would need re-fitting: set train.augment.rotate-probability to 0 for a detection model");
        }
    }

    private static Sample finish(RgbImage canvas, List<Box> boxes, LabelMap mask, Augmentation aug,
                                 RandomGenerator rng) {
        RgbImage image = canvas;
        if (Draws.chance(rng, aug.hsvProbability())) {
            image = Pixels.hsvScaled(canvas, 1 + Draws.uniform(rng, -1, 1) * aug.hue(),
                    1 + Draws.uniform(rng, -1, 1) * aug.saturation(), 1 + Draws.uniform(rng, -1, 1) * aug.value());
        }
        // the repositories shuffle boxes too: which of two objects sharing an anchor cell wins is left to chance
        List<Box> shuffled = new ArrayList<>(boxes);
        Draws.shuffle(shuffled, rng);
        return new Sample(image, shuffled, mask);
    }

    /** a source image resized with a jittered aspect ratio, maybe mirrored, with its boxes in its pixels */
    private record Picture(RgbImage image, List<Box> boxes, LabelMap mask) {
        static Picture draw(Sample source, int size, double jitter, double minScale, double maxScale,
                            double flipProbability, RandomGenerator rng) {
            RgbImage src = source.image();
            double aspect = (double) src.width() / src.height()
                    * Draws.uniform(rng, 1 - jitter, 1 + jitter) / Draws.uniform(rng, 1 - jitter, 1 + jitter);
            double scale = Draws.uniform(rng, minScale, maxScale);
            // the longer side gets scale * size
            int w;
            int h;
            if (aspect < 1) {
                h = (int) (scale * size);
                w = (int) (h * aspect);
            } else {
                w = (int) (scale * size);
                h = (int) (w / aspect);
            }
            RgbImage resized = Pixels.resize(src, Math.max(1, w), Math.max(1, h));
            double sx = (double) resized.width() / src.width();
            double sy = (double) resized.height() / src.height();
            List<Box> boxes = new ArrayList<>(source.boxes().size());
            boolean flip = Draws.chance(rng, flipProbability);
            for (Box b : source.boxes()) {
                Box scaled = b.scaled(sx, sy, 0, 0);
                boxes.add(flip ? scaled.mirrored(resized.width()) : scaled);
            }
            LabelMap mask = null;
            if (source.mask() != null) {
                LabelMap scaled = Masks.resizeNearest(source.mask(), resized.width(), resized.height());
                mask = flip ? Masks.mirrored(scaled) : scaled;
            }
            return new Picture(flip ? Pixels.mirrored(resized) : resized, boxes, mask);
        }

        List<Box> place(Region clip, int dx, int dy) {
            return clip.place(boxes, 1, 1, dx, dy);
        }
    }
}
