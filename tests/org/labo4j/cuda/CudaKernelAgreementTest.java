package org.labo4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.labo4j.LabelRegularizer;
import org.labo4j.LaboException;
import org.labo4j.Reduction;
import org.labo4j.Temperature;
import org.labo4j.nativeapi.LaboCudaNative;
import org.labo4j.nativeapi.LaboNative;

/**
 * The Java -> JavaCPP -> CUDA path on raw device buffers, against the CPU kernel called through the
 * same C ABI on host memory (itself checked against the fp64 reference by LabelRegularizerReferenceTest).
 * Nothing here touches libtorch, so it runs where only the JavaCPP jars and the native library are
 * present: the borrowed GPU machine of bench/gpu/run-gpu-checks.sh. Skipped without a CUDA device.
 */
class CudaKernelAgreementTest {
    private static final int DEVICE = 0;
    /** Row lengths tried; each dtype keeps the first of every kernel path, and the benchmark's own. */
    private static final long[] VOCAB_CANDIDATES = {2, 3, 17, 50, 100, 257, 1000, 2049, 4096, 8191, 16384, 32000,
        50257, 65537, 131072, 262147};
    private static final List<Long> ALWAYS = List.of(2L, 1000L, 32000L, 50257L);

    private final long seed = new Random().nextLong();

    @BeforeEach
    void needsADevice() {
        Assumptions.assumeTrue(CudaDevices.count() > 0, "no CUDA device on this machine");
    }

    static List<LabelRegularizer> members(Reduction reduction) {
        return List.of(
                LabelRegularizer.crossEntropy().reduction(reduction).build(),
                LabelRegularizer.labelSmoothing(0.1).reduction(reduction).build(),
                LabelRegularizer.labo().alpha(0.1).temperature(Temperature.fixed(2.0)).reduction(reduction).build(),
                LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5)).reduction(reduction).build());
    }

    @Test
    void everyKernelPathMatchesTheCpuKernel() {
        final Random rnd = new Random(seed);
        for (int dtype : new int[] {LaboNative.LABO_DTYPE_FLOAT32, LaboNative.LABO_DTYPE_BFLOAT16}) {
            final double tol = dtype == LaboNative.LABO_DTYPE_FLOAT32 ? 1e-5 : 1e-2;
            final Map<Long, String> paths = vocabPerPath(dtype);
            System.out.println("seed " + seed + ", dtype " + dtype + ", kernel path of each vocabulary: " + paths);
            for (Map.Entry<Long, String> e : paths.entrySet()) {
                final int vocab = e.getKey().intValue();
                final int rows = Math.max(16, Math.min(301, 1_000_000 / vocab));
                final Problem pr = Problem.random(rnd, rows, vocab, dtype);
                for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.NONE}) {
                    for (LabelRegularizer reg : members(reduction)) {
                        final String where = "seed " + seed + ", dtype " + dtype + ", V=" + vocab + " (" + e.getValue()
                                + "), " + reg;
                        final Result cpu = pr.onCpu(reg);
                        final Result gpu = pr.onDevice(reg, false);
                        assertTrue(relErr(gpu.loss, cpu.loss) <= 1e-5, where + ": loss " + Arrays.toString(
                                Arrays.copyOf(gpu.loss, 3)) + " vs " + Arrays.toString(Arrays.copyOf(cpu.loss, 3)));
                        final double g = relErr(gpu.grad, cpu.grad);
                        assertTrue(g <= tol, where + ": gradient relative error " + g);
                    }
                }
            }
        }
    }

    @Test
    void inPlaceGradientEqualsTheSeparateOne() {
        final Random rnd = new Random(seed);
        for (int dtype : new int[] {LaboNative.LABO_DTYPE_FLOAT32, LaboNative.LABO_DTYPE_BFLOAT16}) {
            for (long vocab : vocabPerPath(dtype).keySet()) {
                final Problem pr = Problem.random(rnd, 33, (int) vocab, dtype);
                for (LabelRegularizer reg : members(Reduction.MEAN)) {
                    final Result separate = pr.onDevice(reg, false);
                    final Result inPlace = pr.onDevice(reg, true);
                    assertEquals(separate.loss[0], inPlace.loss[0], "seed " + seed + ", V=" + vocab + ", " + reg);
                    assertTrue(Arrays.equals(separate.grad, inPlace.grad), "seed " + seed + ", V=" + vocab + ", " + reg);
                }
            }
        }
    }

    @Test
    void aBadTargetIsRefusedBeforeAnythingIsWritten() {
        final Problem pr = Problem.random(new Random(seed), 40, 1000, LaboNative.LABO_DTYPE_FLOAT32);
        pr.targets[7] = 1000;
        final LabelRegularizer reg = LabelRegularizer.labo().build();
        final float[] poison = new float[40 * 1000];
        Arrays.fill(poison, Float.NaN);
        try (DeviceBuffer z = DeviceBuffer.of(DEVICE, pr.values); DeviceBuffer y = DeviceBuffer.of(DEVICE, pr.targets);
             DeviceBuffer g = DeviceBuffer.of(DEVICE, poison); DeviceBuffer l = DeviceBuffer.allocate(DEVICE, 4)) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaLoss.forwardBackward(reg, z, LaboNative.LABO_DTYPE_FLOAT32, 40, 1000, y, g, l));
            assertTrue(e.getMessage().contains("targets[7]"), e.getMessage());
            assertTrue(Arrays.stream(toDoubles(g.toFloats(40 * 1000))).allMatch(Double::isNaN), "gradient untouched");
            // The library stays usable after the refusal.
            pr.targets[7] = 3;
            y.copyFromHost(new LongPointer(pr.targets), 8L * 40);
            final float loss = CudaLoss.forwardBackward(reg, z, LaboNative.LABO_DTYPE_FLOAT32, 40, 1000, y, g, l)[0];
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
        }
    }

    /** Deferred target errors: the call returns without waiting, writes nothing, and the take reports the row. */
    @Test
    void aDeferredBadTargetIsKeptForTheTake() {
        CudaDevices.takeTargetError(DEVICE);  // whatever an earlier test left
        final Problem pr = Problem.random(new Random(seed), 40, 1000, LaboNative.LABO_DTYPE_FLOAT32);
        pr.targets[7] = -3;
        final float[] poison = new float[40 * 1000];
        Arrays.fill(poison, Float.NaN);
        try (DeviceBuffer z = DeviceBuffer.of(DEVICE, pr.values); DeviceBuffer y = DeviceBuffer.of(DEVICE, pr.targets);
             DeviceBuffer g = DeviceBuffer.of(DEVICE, poison); DeviceBuffer l = DeviceBuffer.of(DEVICE, new float[] {Float.NaN});
             LaboNative.LossConfig config = LabelRegularizer.labo().build().nativeConfig();
             LaboNative.LossArgs args = new LaboNative.LossArgs()) {
            args.device_type(LaboNative.LABO_DEVICE_CUDA).device_index(DEVICE).dtype(LaboNative.LABO_DTYPE_FLOAT32)
                    .target_errors(LaboNative.LABO_TARGET_ERRORS_DEFERRED)
                    .rows(40).vocab(1000).logits_row_stride(1000).logits(z.pointer())
                    .targets(new LongPointer(y.pointer())).grad(g.pointer()).grad_row_stride(1000)
                    .loss(new FloatPointer(l.pointer()));
            assertEquals(LaboNative.LABO_STATUS_OK, LaboNative.labo_loss_forward_backward(config, args));
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaDevices.takeTargetError(DEVICE));
            assertTrue(e.getMessage().contains("targets[7] = -3") && e.getMessage().contains("deferred"), e.getMessage());
            assertTrue(Arrays.stream(toDoubles(g.toFloats(40 * 1000))).allMatch(Double::isNaN), "gradient untouched");
            assertTrue(Float.isNaN(l.toFloats(1)[0]), "loss untouched");
            CudaDevices.takeTargetError(DEVICE);  // taken: nothing left
            // With valid targets the deferred call computes the loss.
            pr.targets[7] = 3;
            y.copyFromHost(new LongPointer(pr.targets), 8L * 40);
            assertEquals(LaboNative.LABO_STATUS_OK, LaboNative.labo_loss_forward_backward(config, args));
            CudaDevices.takeTargetError(DEVICE);
            final float loss = l.toFloats(1)[0];
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
        }
    }

    @Test
    void deviceNameAndEventTimingWork() {
        final String name = CudaDevices.name(DEVICE);
        assertFalse(name.isBlank());
        assertTrue(name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), "printable device name: " + name);
        // The benchmark's headline shape, timed from Java: the same kernels the Python check times.
        final int rows = 8192, vocab = 32000, repeats = 30;
        final long[] y = new Random(seed).longs(rows, 0, vocab).toArray();
        final StringBuilder report = new StringBuilder("CUDA device " + name + ", " + rows + "x" + vocab
                + ", medians of " + repeats + " event-timed calls:");
        for (int dtype : new int[] {LaboNative.LABO_DTYPE_FLOAT32, LaboNative.LABO_DTYPE_BFLOAT16}) {
            final long bytes = (long) rows * vocab * (dtype == LaboNative.LABO_DTYPE_FLOAT32 ? 4 : 2);
            try (DeviceBuffer z = DeviceBuffer.allocate(DEVICE, bytes); DeviceBuffer g = DeviceBuffer.allocate(DEVICE, bytes);
                 DeviceBuffer dy = DeviceBuffer.of(DEVICE, y); DeviceBuffer l = DeviceBuffer.allocate(DEVICE, 4);
                 FloatPointer times = new FloatPointer(repeats)) {
                fillRandom(z, rows, vocab, dtype, new Random(seed));
                LaboException.throwIfFailed(LaboCudaNative.labo_cuda_time_copy(DEVICE, null, g.pointer(), z.pointer(),
                        bytes, 3, repeats, times));
                final double copy = median(times, repeats);
                report.append(String.format("%n  dtype %d: copy %.4f ms", dtype, copy));
                for (LabelRegularizer reg : members(Reduction.MEAN)) {
                    try (LaboNative.LossConfig config = reg.nativeConfig(); LaboNative.LossArgs args = new LaboNative.LossArgs()) {
                        args.device_type(LaboNative.LABO_DEVICE_CUDA).device_index(DEVICE).dtype(dtype).rows(rows)
                                .vocab(vocab).logits_row_stride(vocab).logits(z.pointer())
                                .targets(new LongPointer(dy.pointer())).grad(g.pointer()).grad_row_stride(vocab)
                                .loss(new FloatPointer(l.pointer()));
                        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_time_loss(config, args, 3, repeats, times));
                        final double t = median(times, repeats);
                        assertTrue(t > 0 && Double.isFinite(t), reg + ": " + t + " ms");
                        report.append(String.format(", %s %.4f ms (%.2fx copy)", reg, t, t / copy));
                    }
                }
            }
        }
        System.out.println(report);
    }

    /** {vocab: kernel path}: the first candidate of every path the device takes, and ALWAYS. */
    static Map<Long, String> vocabPerPath(int dtype) {
        final Map<Long, String> chosen = new LinkedHashMap<>();
        for (long v : VOCAB_CANDIDATES) {
            try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
                LaboException.throwIfFailed(LaboCudaNative.labo_cuda_kernel_path(DEVICE, dtype, v, out));
                final String path = out.get(BytePointer.class, 0).getString();
                if (ALWAYS.contains(v) || !chosen.containsValue(path)) {
                    chosen.put(v, path);
                }
            }
        }
        return chosen;
    }

    /** Logits (as floats, already rounded to the dtype), targets with ignored rows. */
    static final class Problem {
        final int rows, vocab, dtype;
        final float[] values;
        final long[] targets;

        private Problem(int rows, int vocab, int dtype, float[] values, long[] targets) {
            this.rows = rows;
            this.vocab = vocab;
            this.dtype = dtype;
            this.values = values;
            this.targets = targets;
        }

        static Problem random(Random rnd, int rows, int vocab, int dtype) {
            final float[] z = new float[rows * vocab];
            for (int i = 0; i < z.length; i++) {
                final float v = (float) (3 * rnd.nextGaussian());
                z[i] = dtype == LaboNative.LABO_DTYPE_FLOAT32 ? v : Bf16.decode(Bf16.encode(v));
            }
            final long[] y = new long[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = i % 7 == 5 ? LabelRegularizer.DEFAULT_IGNORE_INDEX : rnd.nextInt(vocab);
            }
            y[0] = vocab - 1;
            return new Problem(rows, vocab, dtype, z, y);
        }

        long elementBytes() {
            return dtype == LaboNative.LABO_DTYPE_FLOAT32 ? 4 : 2;
        }

        Pointer host() {
            return dtype == LaboNative.LABO_DTYPE_FLOAT32 ? new FloatPointer(values) : new ShortPointer(Bf16.encode(values));
        }

        float[] decode(Pointer p) {
            final float[] out = new float[values.length];
            if (dtype == LaboNative.LABO_DTYPE_FLOAT32) {
                new FloatPointer(p).get(out);
            } else {
                final short[] s = new short[values.length];
                new ShortPointer(p).get(s);
                for (int i = 0; i < s.length; i++) {
                    out[i] = Bf16.decode(s[i]);
                }
            }
            return out;
        }

        int lossCount(LabelRegularizer reg) {
            return reg.reduction() == Reduction.NONE ? rows : 1;
        }

        /** The CPU kernel through the C ABI on host memory. */
        Result onCpu(LabelRegularizer reg) {
            final long n = (long) rows * vocab;
            try (LaboNative.LossConfig config = reg.nativeConfig(); LaboNative.LossArgs args = new LaboNative.LossArgs();
                 Pointer z = host(); Pointer g = new BytePointer(n * elementBytes());
                 LongPointer y = new LongPointer(targets); FloatPointer loss = new FloatPointer(lossCount(reg))) {
                args.device_type(LaboNative.LABO_DEVICE_CPU).dtype(dtype).rows(rows).vocab(vocab).logits_row_stride(vocab)
                        .logits(z).targets(y).grad(g).grad_row_stride(vocab).loss(loss);
                LaboException.throwIfFailed(LaboNative.labo_loss_forward_backward(config, args));
                final float[] l = new float[lossCount(reg)];
                loss.get(l);
                return new Result(l, decode(g));
            }
        }

        /** The CUDA kernel through CudaLoss on device buffers; the gradient separate or over the logits. */
        Result onDevice(LabelRegularizer reg, boolean inPlace) {
            final long bytes = (long) rows * vocab * elementBytes();
            try (Pointer z = host(); DeviceBuffer dz = DeviceBuffer.allocate(DEVICE, bytes);
                 DeviceBuffer dy = DeviceBuffer.of(DEVICE, targets);
                 DeviceBuffer dg = inPlace ? null : DeviceBuffer.allocate(DEVICE, bytes);
                 DeviceBuffer dl = DeviceBuffer.allocate(DEVICE, 4L * lossCount(reg));
                 Pointer g = new BytePointer(bytes)) {
                dz.copyFromHost(z, bytes);
                if (dg != null) {
                    LaboException.throwIfFailed(LaboCudaNative.labo_cuda_memset(DEVICE, dg.pointer(), 0xFF, bytes));
                }
                final DeviceBuffer out = inPlace ? dz : dg;
                final float[] loss = CudaLoss.forwardBackward(reg, dz, dtype, rows, vocab, dy, out, dl);
                out.copyToHost(g, bytes);
                return new Result(loss, decode(g));
            }
        }
    }

    record Result(float[] loss, float[] grad) {}

    /** bfloat16 as the upper half of a float, rounded to nearest even. */
    static final class Bf16 {
        static short encode(float f) {
            final int bits = Float.floatToRawIntBits(f);
            return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
        }

        static short[] encode(float[] values) {
            final short[] out = new short[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = encode(values[i]);
            }
            return out;
        }

        static float decode(short s) {
            return Float.intBitsToFloat((s & 0xFFFF) << 16);
        }
    }

    /** Random logits in every row: a random block of rows tiled over the buffer (fast for 1 GB). */
    static void fillRandom(DeviceBuffer buffer, int rows, int vocab, int dtype, Random rnd) {
        final int blockRows = 16;
        final long elem = dtype == LaboNative.LABO_DTYPE_FLOAT32 ? 4 : 2;
        final float[] v = new float[blockRows * vocab];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (3 * rnd.nextGaussian());
        }
        final BytePointer base = new BytePointer(buffer.pointer());
        try (Pointer host = dtype == LaboNative.LABO_DTYPE_FLOAT32 ? new FloatPointer(v) : new ShortPointer(Bf16.encode(v))) {
            for (int r = 0; r < rows; r += blockRows) {
                final long bytes = Math.min(blockRows, rows - r) * vocab * elem;
                LaboException.throwIfFailed(LaboCudaNative.labo_cuda_memcpy_h2d(DEVICE,
                        base.getPointer((long) r * vocab * elem), host, bytes));
            }
        }
    }

    static double median(FloatPointer times, int n) {
        final float[] t = new float[n];
        times.get(t);
        Arrays.sort(t);
        return n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    }

    static double[] toDoubles(float[] f) {
        final double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** ||a - b|| / ||b||; a NaN or infinite entry where b has none gives infinity. */
    static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.isFinite(a[i]) != Float.isFinite(b[i])) {
                return Double.POSITIVE_INFINITY;
            }
            if (!Float.isFinite(b[i])) {
                continue;
            }
            final double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num) / (den > 0 ? Math.sqrt(den) : 1);
    }
}
