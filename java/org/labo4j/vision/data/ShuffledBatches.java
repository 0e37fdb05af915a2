package org.labo4j.vision.data;

import org.labo4j.util.SeededRandom;

/**
 * Training batches: each epoch visits the dataset in a fresh order drawn from {@code (seed, epoch)},
 * and batch {@code step} of epoch {@code epoch} is a pure function of {@code (seed, epoch, step)}, so a
 * run resumed in the middle of an epoch sees exactly the batches an uninterrupted run would.
 * The last incomplete batch of an epoch is dropped (batch norm needs more than one image, and equal
 * batch sizes keep the per-step learning-rate schedule meaningful); a new order each epoch means
 * different images are left out each time.
 */
public final class ShuffledBatches {
    private final ImageDataset dataset;
    private final int batchSize;
    private final long seed;
    private final BatchAssembler assembler;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    public ShuffledBatches(ImageDataset dataset, int batchSize, long seed, BatchAssembler assembler) {
        if (batchSize < 2 || batchSize > dataset.size()) {
            throw new IllegalArgumentException("training batch size must be in [2, " + dataset.size()
                    + "] for " + dataset.name() + ", got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.seed = seed;
        this.assembler = assembler;
    }

    public int stepsPerEpoch() {
        return dataset.size() / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public Batch batch(int epoch, int step) {
        if (step < 0 || step >= stepsPerEpoch()) {
            throw new IndexOutOfBoundsException("step " + step + " of " + stepsPerEpoch());
        }
        int from = step * batchSize;
        return assembler.assemble(dataset, order(epoch), from, from + batchSize,
                SeededRandom.derive(seed, epoch, step));
    }

    /** The visiting order of an epoch (cached: a run asks for one epoch's batches in sequence). */
    public int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = new SeededRandom(SeededRandom.derive(seed, epoch)).permutation(dataset.size());
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
