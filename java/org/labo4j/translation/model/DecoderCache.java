package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What incremental decoding keeps between steps, so that each step costs one position instead of
 * the whole prefix: per decoder layer, the self-attention keys and values of the tokens decoded so
 * far and the cross-attention keys and values of the encoder output (computed once), plus the
 * source padding mask. Rows may be reordered or repeated between steps (beam search).
 *
 * <p>Made by {@link TranslationTransformer#startDecoding}, advanced by
 * {@link TranslationTransformer#decodeNext}. Its tensors belong to the enclosing {@code PointerScope}.
 */
public final class DecoderCache {
    /** One decoder layer's keys and values, each [B, heads, T, D / heads]. */
    static final class LayerState {
        private Tensor selfKeys;
        private Tensor selfValues;
        private Tensor crossKeys;
        private Tensor crossValues;

        LayerState(Tensor crossKeys, Tensor crossValues) {
            this.crossKeys = crossKeys;
            this.crossValues = crossValues;
        }

        /** Adds the keys and values of the newest position. */
        void append(Tensor keys, Tensor values) {
            selfKeys = selfKeys == null ? keys : cat(new TensorVector(selfKeys, keys), 2);
            selfValues = selfValues == null ? values : cat(new TensorVector(selfValues, values), 2);
        }

        Tensor selfKeys() {
            return selfKeys;
        }

        Tensor selfValues() {
            return selfValues;
        }

        Tensor crossKeys() {
            return crossKeys;
        }

        Tensor crossValues() {
            return crossValues;
        }

        private void select(Tensor rows) {
            if (selfKeys != null) {
                selfKeys = selfKeys.index_select(0, rows);
                selfValues = selfValues.index_select(0, rows);
            }
            crossKeys = crossKeys.index_select(0, rows);
            crossValues = crossValues.index_select(0, rows);
        }
    }

    private final LayerState[] layers;
    private Tensor sourceAllowed;
    private int length;

    DecoderCache(LayerState[] layers, Tensor sourceAllowed) {
        this.layers = layers;
        this.sourceAllowed = sourceAllowed;
    }

    /** Number of target positions decoded so far (bos included). */
    public int length() {
        return length;
    }

    /** Number of rows. */
    public long rows() {
        return sourceAllowed.size(0);
    }

    /** Row {@code r} continues from row {@code rows[r]}: a beam search's surviving hypotheses. */
    public void reorder(long[] rows) {
        Tensor index = Tensor.create(rows, rows.length).to(sourceAllowed.device(), ScalarType.Long);
        for (LayerState layer : layers) {
            layer.select(index);
        }
        sourceAllowed = sourceAllowed.index_select(0, index);
    }

    LayerState layer(int i) {
        return layers[i];
    }

    Tensor sourceAllowed() {
        return sourceAllowed;
    }

    void advance() {
        length++;
    }
}
