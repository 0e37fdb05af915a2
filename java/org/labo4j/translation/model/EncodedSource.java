package org.labo4j.translation.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The encoder's output for a batch of sources, as the decoder needs it.
 *
 * @param memory  [B, S, D] encoder states
 * @param allowed [B, 1, 1, S] true at the non-padding source positions
 */
public record EncodedSource(Tensor memory, Tensor allowed) {
    /** The rows {@code rows} (an int64 index, repeats allowed), e.g. to give each beam its source. */
    public EncodedSource select(Tensor rows) {
        return new EncodedSource(memory.index_select(0, rows), allowed.index_select(0, rows));
    }

    public long batchSize() {
        return memory.size(0);
    }
}
