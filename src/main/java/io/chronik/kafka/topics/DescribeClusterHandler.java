package io.chronik.kafka.topics;

import io.chronik.kafka.ApiHandler;
import io.chronik.kafka.KafkaRequest;
import io.chronik.metadata.MetadataImage;
import io.chronik.metadata.MetadataStore;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster: cluster id, controller and the brokers. Only broker endpoints are served (endpoint type 1); asking
 * a broker for controller endpoints is UNSUPPORTED_ENDPOINT_TYPE, as in Kafka.
 */
final class DescribeClusterHandler implements ApiHandler {

    private static final byte BROKERS = 1;

    private final MetadataStore metadata;

    DescribeClusterHandler(MetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeClusterRequestData req = request.bodyAs(DescribeClusterRequestData.class);
        DescribeClusterResponseData response = new DescribeClusterResponseData().setThrottleTimeMs(0)
                .setEndpointType(req.endpointType());
        if (req.endpointType() != BROKERS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to a broker, which serves broker endpoints only"));
        }
        MetadataImage image = metadata.current();
        response.setClusterId(image.clusterId()).setControllerId(image.controllerId());
        if (req.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(TopicOperations.CLUSTER);
        }
        image.brokers().values().stream().sorted(Comparator.comparingInt(MetadataImage.BrokerInfo::id)).forEach(b ->
                response.brokers().add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(b.host())
                        .setPort(b.port()).setRack(b.rack()).setIsFenced(false)));
        return CompletableFuture.completedFuture(response);
    }
}
