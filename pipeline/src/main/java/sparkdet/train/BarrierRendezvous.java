package sparkdet.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.bytedeco.pytorch.Device;

/**
 * The rendezvous of a Spark barrier stage, as Spark's TorchDistributor does it: rank = partition
 * id, rank 0 picks a free port on its own host and shares it through the barrier's allGather,
 * and every rank joins the c10d group at that address. A retried stage runs this again with new
 * tasks, so a lost executor never leaves the others waiting on a dead store.
 */
public final class BarrierRendezvous {
    private BarrierRendezvous() {
    }

    /** @param device where this rank trains: Gloo on the CPU, NCCL on CUDA */
    public static Collective join(BarrierTaskContext context, Duration timeout, Device device) {
        BarrierTaskInfo[] tasks = context.getTaskInfos();
        int rank = context.partitionId();
        int world = tasks.length;
        if (world == 1) {
            return Collective.single();
        }
        String ownHost = host(tasks[rank].address());
        String offer = rank == 0 ? ownHost + ":" + freePort() : "";
        String store = context.allGather(offer)[0];
        int colon = store.lastIndexOf(':');
        return C10dCollective.connect(store.substring(0, colon), Integer.parseInt(store.substring(colon + 1)),
                ownHost, rank, world, timeout, device);
    }

    /** the host part of an executor address ("host:port") */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the c10d store", e);
        }
    }
}
