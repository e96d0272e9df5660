package sparkdet.models.yolov4tiny;

/**
 * Channel counts of the network scaled by a width multiplier: multiples of 8 (even, so every
 * channel split halves exactly; 8 also suits vectorised convolutions), at least 8. Rounds half to
 * even like Python's round(), so the fixture script's network has the same shapes.
 */
record Widths(double multiplier) {
    Widths {
        if (!(multiplier > 0) || multiplier > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + multiplier);
        }
    }

    long of(int channels) {
        return Math.max(8, (long) Math.rint(channels * multiplier / 8) * 8);
    }
}
