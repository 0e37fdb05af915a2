package org.labo4j;

import java.util.Random;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Moving test data between Java arrays and libtorch tensors; fresh random inputs with a printed seed. */
final class TestTensors {
    private TestTensors() {}

    /** A fresh seed per run, printed so that a failure can be replayed with -Dlabo4j.seed=... */
    static Random freshRandom(String what) {
        final long seed = Long.getLong("labo4j.seed", System.nanoTime());
        System.out.println(what + ": seed " + seed);
        return new Random(seed);
    }

    static Tensor floats(float[] data, long... shape) {
        return torch.from_blob(new FloatPointer(data), shape).clone();
    }

    static Tensor longs(long[] data, long... shape) {
        return torch.from_blob(new LongPointer(data), shape, new org.bytedeco.pytorch.TensorOptions(ScalarType.Long)).clone();
    }

    /** Any tensor's values as doubles, via a contiguous float32 copy. */
    static double[] toDoubles(Tensor t) {
        final Tensor f = t.to(ScalarType.Float).contiguous();
        final long n = f.numel();
        final double[] out = new double[(int) n];
        final FloatPointer p = f.data_ptr_float();
        for (int i = 0; i < n; i++) {
            out[i] = p.get(i);
        }
        return out;
    }

    static float[] randomLogits(Random rnd, int rows, int vocab, double scale) {
        final float[] z = new float[rows * vocab];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rnd.nextGaussian() * scale);
        }
        return z;
    }

    static long[] randomTargets(Random rnd, int rows, int vocab) {
        final long[] y = new long[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt(vocab);
        }
        return y;
    }

    static double[] row(double[] all, int i, int vocab) {
        final double[] r = new double[vocab];
        System.arraycopy(all, i * vocab, r, 0, vocab);
        return r;
    }

    /** max |a - b| / max(max |b|, floor): the relative error the tolerances refer to. */
    static double relativeError(double[] actual, double[] expected) {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }

    static double relativeError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    }
}
