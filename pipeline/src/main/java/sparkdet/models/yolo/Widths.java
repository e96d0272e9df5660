package sparkdet.models.yolo;

/**
 * Channel counts of a YOLO network scaled by sparkdet's width multiplier: multiples of 8 (even, so
 * every channel split halves exactly; 8 also suits vectorised convolutions), at least 8. Rounds
 * half to even like Python's round(), so the fixture scripts' networks have the same shapes.
 */
public record Widths(double multiplier) {
    public Widths {
        if (!(multiplier > 0) || multiplier > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + multiplier);
        }
    }

    public long of(int channels) {
        return Math.max(8, (long) Math.rint(channels * multiplier / 8) * 8);
    }
}
