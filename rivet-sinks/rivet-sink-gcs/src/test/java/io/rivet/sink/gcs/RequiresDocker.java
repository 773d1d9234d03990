package io.rivet.sink.gcs;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a container test class where no Docker engine exists, and says so on standard output (JUnit alone reports only
 * "skipped"). Use together with {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
final class RequiresDocker implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        String reason = context.getDisplayName() + " skipped: no Docker engine here; it runs where one exists";
        System.out.println("[rivet tests] " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}
