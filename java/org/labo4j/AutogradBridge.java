package org.labo4j;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.pytorch.FunctionPostHook;
import org.bytedeco.pytorch.FunctionPreHook;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Connects a loss computed by the fused kernel to libtorch's autograd without recomputing anything.
 *
 * <p>Java cannot subclass an autograd {@code Node}, but it can hook one. The loss is returned as
 * {@code L + s}, where {@code s = logits.expand([0, ...shape]).sum(...)} is exactly zero, free to
 * compute, and gives the graph {@code SumBackward0 -> ExpandBackward0 -> logits}. In backward, a
 * pre-hook on {@code SumBackward0} takes the upstream gradient and passes on an undefined tensor, so
 * neither node allocates anything; a post-hook on {@code ExpandBackward0} then hands the engine the
 * kernel's gradient times the upstream gradient, as the gradient of {@code logits}.
 */
final class AutogradBridge {
    /** Hooks are called from native code: they must stay reachable until backward has run. */
    private static final Set<Hooks> PENDING = ConcurrentHashMap.newKeySet();

    private AutogradBridge() {}

    static Tensor attach(Tensor logits, Tensor loss, Tensor grad, boolean perRow) {
        final int rank = (int) logits.dim();
        final long[] expanded = new long[rank + 1];
        for (int d = 0; d < rank; d++) {
            expanded[d + 1] = logits.size(d);
        }
        final Tensor empty = logits.expand(expanded);
        // Per-row losses keep the leading dimensions; reduced losses are scalars.
        final Tensor zero = perRow
                ? empty.sum(new long[] {0, rank}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                : empty.sum();
        final Node sumNode = zero.grad_fn();
        final Node expandNode = sumNode.next_edge(0).function();
        final Tensor result = loss.add(zero);
        final Hooks hooks = new Hooks(grad, perRow);
        result.grad_fn().add_pre_hook(hooks.capture);
        sumNode.add_pre_hook(hooks.drop);
        expandNode.add_post_hook(hooks.inject);
        PENDING.add(hooks);
        return result;
    }

    /** Number of losses whose backward has not run yet (their gradients are held in memory). */
    static int pending() {
        return PENDING.size();
    }

    private static final class Hooks {
        private Tensor grad;
        private Tensor upstream;
        private final boolean perRow;

        final FunctionPreHook capture = new FunctionPreHook() {
            @Override
            public TensorVector apply(TensorVector gradOutputs) {
                // get() views the vector's element; the copy keeps the tensor alive after this call.
                upstream = new Tensor(gradOutputs.get(0));
                return gradOutputs;
            }
        };

        final FunctionPreHook drop = new FunctionPreHook() {
            @Override
            public TensorVector apply(TensorVector gradOutputs) {
                return new TensorVector(new Tensor());
            }
        };

        final FunctionPostHook inject = new FunctionPostHook() {
            @Override
            public TensorVector apply(TensorVector gradInputs, TensorVector gradOutputs) {
                final Tensor g = grad;
                final Tensor u = upstream;
                grad = null;
                upstream = null;
                PENDING.remove(Hooks.this);
                if (g == null) {
                    throw new IllegalStateException("the fused loss was back-propagated twice; "
                            + "double backward and retain_graph are not supported");
                }
                return new TensorVector(scale(g, u));
            }
        };

        Hooks(Tensor grad, boolean perRow) {
            this.grad = grad;
            this.perRow = perRow;
        }

        private Tensor scale(Tensor g, Tensor u) {
            if (u == null || !u.defined()) {
                return g;
            }
            if (perRow) {
                return g.mul_(u.unsqueeze(-1));
            }
            // The common loss.backward(): upstream 1 on the CPU costs no extra pass. (On CUDA the
            // check would synchronise the stream, so the multiplication is done unconditionally.)
            if (u.is_cpu() && u.item_double() == 1.0) {
                return g;
            }
            return g.mul_(u);
        }
    }
}
