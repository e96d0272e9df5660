package sparkdet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.model.Devices;
import sparkdet.model.Torch;
import sparkdet.testing.TestSpark;

/** Two ranks in a real barrier stage (local[2]: two task threads), joined through c10d's TCPStore and Gloo. */
class C10dCollectiveTest {
    /** per rank: broadcast result, averaged gradient, summed values */
    @Test
    void ranksShareRankZerosWeightsAverageGradientsAndSum() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        List<double[]> results = BarrierStage.mapPartitions(jsc.parallelize(List.of(0, 1), 2), it -> {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            Torch.load();
            try (Collective c = BarrierRendezvous.join(ctx, Duration.ofSeconds(60), Devices.select("cpu", 0));
                 PointerScope scope = new PointerScope()) {
                int rank = c.rank();
                Tensor weight = torch.full(new long[] {3}, new org.bytedeco.pytorch.Scalar(10.0 * (rank + 1)));
                c.broadcast(List.of(weight));
                Tensor param = torch.zeros(2, 2).requires_grad_(true);
                param.mul(new org.bytedeco.pytorch.Scalar(rank + 1.0)).sum().backward();   // grad = rank + 1
                Tensor frozen = torch.zeros(1);   // no gradient: left alone
                c.averageGradients(List.of(param, frozen));
                double[] sums = c.sum(new double[] {rank, 1});
                double[] out = {rank, c.world(), weight.contiguous().data_ptr_float().get(2),
                    param.grad().contiguous().data_ptr_float().get(3), sums[0], sums[1]};
                return List.of(out).iterator();
            }
        }).collect();
        assertThat(results).hasSize(2);
        for (double[] r : results) {
            assertThat(r[1]).as("world").isEqualTo(2);
            assertThat(r[2]).as("rank 0's weight on rank %s", r[0]).isEqualTo(10.0);
            assertThat(r[3]).as("mean of gradients 1 and 2").isEqualTo(1.5);
            assertThat(r[4]).isEqualTo(1.0);
            assertThat(r[5]).isEqualTo(2.0);
        }
        assertThat(results.stream().mapToDouble(r -> r[0]).sorted().toArray()).containsExactly(0, 1);
    }

    @Test
    void bucketsKeepOrderAndSplitAtTheLimit() {
        Torch.load();
        try (PointerScope scope = new PointerScope()) {
            long perTensor = C10dCollective.BUCKET_BYTES / 4 / 3 + 1;   // three of them exceed one bucket
            List<Tensor> ts = List.of(torch.zeros(perTensor), torch.zeros(perTensor), torch.zeros(perTensor),
                    torch.zeros(10));
            List<List<Tensor>> buckets = C10dCollective.buckets(ts);
            assertThat(buckets).hasSize(2);
            assertThat(buckets.get(0)).hasSize(2);
            assertThat(buckets.get(1)).hasSize(2);
        }
    }
}
