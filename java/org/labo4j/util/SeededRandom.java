package org.labo4j.util;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a small generator whose output is fully defined here, so a seed
 * gives the same shuffles and augmentations on every JVM and after a resume. Streams for an epoch or a
 * batch are derived with {@link #derive}, which makes every batch a pure function of
 * {@code (seed, epoch, step)}: nothing but the seed has to be checkpointed.
 */
public final class SeededRandom {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A seed for a sub-stream identified by {@code keys}, e.g. {@code derive(seed, epoch, step)}. */
    public static long derive(long seed, long... keys) {
        long h = mix(seed);
        for (long key : keys) {
            h = mix(h ^ mix(key + GOLDEN_GAMMA));
        }
        return h;
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long r = nextLong() >>> 32;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** A random permutation of {@code 0..n-1}. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
