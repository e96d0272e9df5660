package sparkdet.models.yolov3;

/**
 * Channel counts of the network scaled by a width multiplier: multiples of 8, at least 8, rounding
 * half to even like Python's round(), as sparkdet.models.yolov4tiny.Widths and the fixture script
 * (scripts/make_yolov3_fixture.py) do, so their networks have the same shapes.
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
