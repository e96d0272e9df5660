package sparkdet.train;

import sparkdet.model.Network;

/** Validation during training: the task's metric of the network's current weights on the validation set. */
interface Validation {
    ValidationMetric metric();

    /** the metric, NaN without validation images; leaves the network in the mode it found it in */
    double score(Network model);
}
