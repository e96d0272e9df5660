package sparkdet.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

/** Random draws shared by the transforms and the loader, all from a generator passed in. */
public final class Draws {
    private Draws() {
    }

    /** uniform between a and b; unlike {@code nextDouble(a, b)} b may be below a (a picture wider than the canvas) */
    public static double uniform(RandomGenerator rng, double a, double b) {
        return a + rng.nextDouble() * (b - a);
    }

    /** a whole number uniform in [a, b], both ends included (numpy's randint(a, b + 1)) */
    public static int integer(RandomGenerator rng, int a, int b) {
        return a + rng.nextInt(b - a + 1);
    }

    public static boolean chance(RandomGenerator rng, double p) {
        return rng.nextDouble() < p;
    }

    /** Fisher-Yates, in place */
    public static <T> void shuffle(List<T> list, RandomGenerator rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            list.set(j, list.set(i, list.get(j)));
        }
    }

    /** 0 .. n-1 in a random order */
    public static int[] permutation(int n, RandomGenerator rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i;
        }
        return order;
    }
}
