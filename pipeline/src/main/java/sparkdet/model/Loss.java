package sparkdet.model;

import org.bytedeco.pytorch.Tensor;

/** A family's training loss: its target assignment and its loss terms, over a batch. */
public interface Loss {
    /** the loss and its value, read once */
    record Value(Tensor loss, float value) {
    }

    /**
     * @param outputs the network's outputs for the batch, as {@link Network#forward} returns them
     * @param targets the batch's ground truth, in input pixels
     */
    Value compute(Tensor[] outputs, Targets targets);
}
