package org.labo4j.bench;

import java.util.concurrent.TimeUnit;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.LabelRegularizer;
import org.labo4j.Temperature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward + backward of one loss over logits {@code [N, V]}, side by side in one run:
 * labo4j's fused kernel for each member, libtorch's {@code cross_entropy} with label smoothing,
 * a libtorch composite of LABO (detached tempered softmax, autograd), and a libtorch copy of the
 * logits into a preallocated tensor, the memory floor (one read and one write of N x V).
 *
 * <p>Each fused benchmark writes its gradient into a preallocated buffer ({@code forwardBackward(...,
 * gradOut, ...)}), as a training loop that reuses its buffer would; {@code *_newGradient} variants
 * allocate the gradient each call, as libtorch's backward does. Run with {@code bench/run-jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class FusedLossBenchmark {
    /** Rows x classes: translation (4096 target tokens, 32k vocabulary) and vision (a batch of 256). */
    @Param({"4096x32000", "256x10", "256x1000"})
    public String shape;

    @Param({"float32", "bfloat16"})
    public String dtype;

    /**
     * libtorch's intra-op threads ({@code torch.set_num_threads}). The fused kernel runs on the same
     * OpenMP pool and follows this setting, so both sides of every comparison use the same cores.
     */
    @Param({"1", "2"})
    public int threads;

    private Tensor logits;
    private Tensor targets;
    private Tensor gradOut;
    private Tensor copyOut;
    private Tensor logitsLeaf;
    private CrossEntropyLossOptions torchLabelSmoothing;

    private final LabelRegularizer ce = LabelRegularizer.crossEntropy().build();
    private final LabelRegularizer ls = LabelRegularizer.labelSmoothing(0.1).build();
    private final LabelRegularizer laboFixed = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.fixed(2.0)).build();
    private final LabelRegularizer laboBudget = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5)).build();

    @Setup(Level.Trial)
    public void setUp() {
        final String[] nv = shape.split("x");
        final long n = Long.parseLong(nv[0]);
        final long v = Long.parseLong(nv[1]);
        final ScalarType type = dtype.equals("bfloat16") ? ScalarType.BFloat16 : ScalarType.Float;
        torch.set_num_threads(threads);
        torch.manual_seed(42);
        logits = torch.randn(n, v).mul_(new Scalar(2.0)).to(type);
        targets = torch.randint(v, new long[] {n}, new TensorOptions(ScalarType.Long));
        gradOut = torch.empty_like(logits).zero_();
        copyOut = torch.empty_like(logits).zero_();
        logitsLeaf = logits.detach().clone().set_requires_grad(true);
        torchLabelSmoothing = new CrossEntropyLossOptions();
        torchLabelSmoothing.label_smoothing().put(0.1);
    }

    @Benchmark
    public Tensor labo4j_crossEntropy() {
        return ce.forwardBackward(logits, targets, gradOut, false).loss();
    }

    @Benchmark
    public Tensor labo4j_labelSmoothing() {
        return ls.forwardBackward(logits, targets, gradOut, false).loss();
    }

    @Benchmark
    public Tensor labo4j_laboFixed() {
        return laboFixed.forwardBackward(logits, targets, gradOut, false).loss();
    }

    @Benchmark
    public Tensor labo4j_laboBudget() {
        return laboBudget.forwardBackward(logits, targets, gradOut, false).loss();
    }

    @Benchmark
    public Tensor labo4j_labelSmoothing_newGradient() {
        return ls.forwardBackward(logits, targets).grad();
    }

    @Benchmark
    public Tensor labo4j_laboFixed_newGradient() {
        return laboFixed.forwardBackward(logits, targets).grad();
    }

    /** apply() + backward(): what autograd costs over the raw call above (same new-gradient allocation). */
    @Benchmark
    public Tensor labo4j_laboFixed_autograd() {
        logitsLeaf.mutable_grad().reset();
        laboFixed.apply(logitsLeaf, targets).backward();
        return logitsLeaf.grad();
    }

    @Benchmark
    public Tensor libtorch_crossEntropyLabelSmoothing() {
        logitsLeaf.mutable_grad().reset();
        torch.cross_entropy(logitsLeaf, targets, torchLabelSmoothing).backward();
        return logitsLeaf.grad();
    }

    /** LABO as a libtorch user would write it: r = softmax over non-targets of z/T, detached. */
    @Benchmark
    public Tensor libtorch_laboFixedComposite() {
        logitsLeaf.mutable_grad().reset();
        final Tensor y = targets.unsqueeze(1);
        final Tensor tempered = logitsLeaf.detach().div(new Scalar(2.0)).scatter(1, y, new Scalar(Double.NEGATIVE_INFINITY));
        final Tensor r = tempered.softmax(1);
        final Tensor q = r.mul(new Scalar(0.1)).scatter_(1, y, new Scalar(0.9));
        final Tensor logp = logitsLeaf.log_softmax(1);
        q.mul(logp).sum().neg().div(new Scalar((double) logitsLeaf.size(0))).backward();
        return logitsLeaf.grad();
    }

    /** The memory floor: read N x V, write N x V. */
    @Benchmark
    public Tensor libtorch_copy() {
        return copyOut.copy_(logits);
    }
}
