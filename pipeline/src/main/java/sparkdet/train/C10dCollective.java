package sparkdet.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.model.Devices;
import sparkdet.model.Torch;

/**
 * PyTorch's own collectives: a {@code TCPStore} at rank 0's address for the rendezvous, then a
 * {@code ProcessGroupGloo} bound to this rank's own address when the model trains on the CPU, or
 * a {@code ProcessGroupNCCL} when it trains on a CUDA device (NCCL reduces tensors where they
 * are, so nothing is copied back to the host each step). Gradients are flattened into buckets of
 * at most {@link #BUCKET_BYTES} so that each step makes a few large all-reduces rather than one
 * per parameter, as DistributedDataParallel does.
 */
public final class C10dCollective implements Collective {
    private static final Logger LOG = LoggerFactory.getLogger(C10dCollective.class);
    static final long BUCKET_BYTES = 25L << 20;

    private final int rank;
    private final int world;
    private final TCPStore store;
    private final Backend group;
    private final Device device;

    private C10dCollective(int rank, int world, TCPStore store, Backend group, Device device) {
        this.rank = rank;
        this.world = world;
        this.store = store;
        this.group = group;
        this.device = device;
    }

    /**
     * joins the group: rank 0 serves the store at {@code storeHost:storePort}, every rank connects
     * to it; on the CPU each opens its Gloo transport on {@code ownHost}, on CUDA NCCL finds its
     * own transport
     *
     * @param device where this rank's model and gradients live
     */
    public static C10dCollective connect(String storeHost, int storePort, String ownHost, int rank, int world,
                                         Duration timeout, Device device) {
        Torch.load();
        TCPStoreOptions options = new TCPStoreOptions();
        options.port((short) storePort);   // uint16 in C++: the bits are what count
        options.isServer(rank == 0);
        options.waitWorkers(false);
        options.timeout(new Milliseconds(timeout.toMillis()));
        TCPStore store = new TCPStore(storeHost, options);
        Backend group;
        if (device.is_cuda()) {
            ProcessGroupNCCL.Options nccl = ProcessGroupNCCL.Options.create();
            nccl.timeout(new Milliseconds(timeout.toMillis()));
            group = new ProcessGroupNCCL(store, rank, world, nccl);
        } else {
            ProcessGroupGloo.Options gloo = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
            gloo.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname(ownHost)));
            group = new ProcessGroupGloo(store, rank, world, gloo);
        }
        LOG.info("rank {} of {} joined the {} group at {}:{} ({}, {})", rank, world, device.is_cuda() ? "NCCL" : "Gloo",
                storeHost, storePort, ownHost, Devices.name(device));
        return new C10dCollective(rank, world, store, group, device);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int world() {
        return world;
    }

    @Override
    public void broadcast(List<Tensor> tensors) {
        try (PointerScope scope = new PointerScope()) {
            for (List<Tensor> bucket : buckets(tensors)) {
                Tensor flat = flatten(bucket);
                group.broadcast(new TensorVector(flat))._wait();
                unflatten(flat, bucket);
            }
        }
    }

    @Override
    public void averageGradients(List<Tensor> parameters) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            Tensor g = p.grad();
            if (g != null && g.defined()) {
                grads.add(g);
            }
        }
        try (PointerScope scope = new PointerScope()) {
            for (List<Tensor> bucket : buckets(grads)) {
                Tensor flat = flatten(bucket);
                group.allreduce(new TensorVector(flat), new AllreduceOptions())._wait();
                flat.div_(new Scalar(world));
                unflatten(flat, bucket);
            }
        }
    }

    @Override
    public double[] sum(double[] values) {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Devices.to(Tensor.create(values.clone()), device);
            group.allreduce(new TensorVector(t))._wait();
            double[] out = new double[values.length];
            t.cpu().contiguous().data_ptr_double().get(out);
            return out;
        }
    }

    /** consecutive tensors grouped up to the bucket size (a larger tensor gets a bucket of its own) */
    static List<List<Tensor>> buckets(List<Tensor> tensors) {
        List<List<Tensor>> out = new ArrayList<>();
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (Tensor t : tensors) {
            long size = t.numel() * t.element_size();
            if (!current.isEmpty() && bytes + size > BUCKET_BYTES) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static Tensor flatten(List<Tensor> bucket) {
        TensorVector flat = new TensorVector();
        for (Tensor t : bucket) {
            flat.push_back(t.detach().reshape(-1));
        }
        return torch.cat(flat);
    }

    private static void unflatten(Tensor flat, List<Tensor> bucket) {
        long offset = 0;
        for (Tensor t : bucket) {
            long n = t.numel();
            try (var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
                t.copy_(flat.narrow(0, offset, n).view_as(t));
            }
            offset += n;
        }
    }

    @Override
    public void close() {
        if (device.is_cuda()) {
            group.shutdown();   // NCCL's communicators, before the destructor (which warns otherwise)
        }
        group.close();
        store.close();
    }
}
