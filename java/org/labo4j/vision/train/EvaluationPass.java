package org.labo4j.vision.train;

import java.util.function.BooleanSupplier;

import org.bytedeco.javacpp.PointerScope;
import org.labo4j.vision.data.Batch;
import org.labo4j.vision.data.SequentialBatches;

/**
 * One pass over evaluation batches with each batch, and every tensor made while handling it, inside a
 * JavaCPP {@link PointerScope} of its own: a model's intermediate tensors are freed batch by batch,
 * not at the end of the pass. With one scope around the whole pass, ResNet-18 on the 10,000 test
 * images held every batch's activations at once and ran out of 24 GB.
 */
final class EvaluationPass {
    /** Handles one batch; the batch and the tensors made here are freed when it returns. */
    @FunctionalInterface
    interface BatchHandler<E extends Exception> {
        void handle(int index, Batch batch) throws E;
    }

    private EvaluationPass() {}

    /** Runs {@code handler} on every batch in order; false if {@code abandon} stopped the pass early. */
    @SuppressWarnings("try") // the scope is held for its block only
    static <E extends Exception> boolean run(SequentialBatches batches, BooleanSupplier abandon,
            BatchHandler<E> handler) throws E {
        for (int i = 0; i < batches.count(); i++) {
            if (abandon.getAsBoolean()) {
                return false;
            }
            try (PointerScope scope = new PointerScope(); Batch batch = batches.batch(i)) {
                handler.handle(i, batch);
            }
        }
        return true;
    }

    /** Runs {@code handler} on every batch in order. */
    static <E extends Exception> void run(SequentialBatches batches, BatchHandler<E> handler) throws E {
        run(batches, () -> false, handler);
    }
}
