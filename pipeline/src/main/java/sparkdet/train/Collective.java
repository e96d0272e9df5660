package sparkdet.train;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * What data-parallel training needs from its ranks: rank 0's weights for everyone at the start,
 * the mean gradient every step, and sums of a few numbers (losses, counts) at the end of an
 * epoch. One rank alone needs none of it ({@link #single()}).
 */
public interface Collective extends AutoCloseable {
    int rank();

    int world();

    /** overwrites every tensor with rank 0's (in place) */
    void broadcast(List<Tensor> tensors);

    /** replaces each gradient by the mean of that gradient over the ranks (tensors without a gradient are skipped) */
    void averageGradients(List<Tensor> parameters);

    /** the element-wise sum of the ranks' values */
    double[] sum(double[] values);

    @Override
    void close();

    /** the collective of a run with one rank */
    static Collective single() {
        return new Collective() {
            @Override
            public int rank() {
                return 0;
            }

            @Override
            public int world() {
                return 1;
            }

            @Override
            public void broadcast(List<Tensor> tensors) {
            }

            @Override
            public void averageGradients(List<Tensor> parameters) {
            }

            @Override
            public double[] sum(double[] values) {
                return values.clone();
            }

            @Override
            public void close() {
            }
        };
    }
}
