package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.dropout;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The position-wise block: linear, ReLU, dropout, linear. */
final class FeedForward extends Module {
    private final LinearImpl expand;
    private final LinearImpl project;
    private final double dropout;

    FeedForward(int dimension, int hidden, double dropout) {
        this.dropout = dropout;
        expand = register_module("expand", new LinearImpl(dimension, hidden));
        project = register_module("project", new LinearImpl(hidden, dimension));
    }

    Tensor forward(Tensor x) {
        return project.forward(dropout(relu(expand.forward(x)), dropout, is_training()));
    }
}
