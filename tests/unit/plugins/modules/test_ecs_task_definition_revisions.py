"""ecs_task_definition_revisions against moto in-process: ECS's own listing is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import ecs_task_definition_revisions as mod


def register(family, count):
    ecs = boto3.client("ecs")
    for _ in range(count):
        ecs.register_task_definition(family=family, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])


def active(family):
    arns = boto3.client("ecs").list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]
    return sorted(int(a.rsplit(":", 1)[1]) for a in arns if a.rsplit("/", 1)[1].rsplit(":", 1)[0] == family)


def test_deregister_all_then_noop(run_module, aws):
    register("mithran-frontend", 3)
    register("mithran-frontend-canary", 1)  # shares the prefix: never touched
    register("mithran-backend", 2)

    failed, result = run_module(mod, dict(families=["mithran-frontend", "mithran-backend"]), check_mode=True)
    assert not failed and result["changed"] and len(result["deregistered"]) == 5
    assert active("mithran-frontend") == [1, 2, 3]

    failed, result = run_module(mod, dict(families=["mithran-frontend", "mithran-backend"]))
    assert not failed and result["changed"] and result["kept"] == []
    assert active("mithran-frontend") == [] and active("mithran-backend") == []
    assert active("mithran-frontend-canary") == [1]

    failed, result = run_module(mod, dict(families=["mithran-frontend", "mithran-backend"]))
    assert not failed and not result["changed"] and result["deregistered"] == []


def test_keep_newest(run_module, aws):
    register("mithran-backend", 4)
    failed, result = run_module(mod, dict(families=["mithran-backend"], keep=2))
    assert not failed and result["changed"]
    assert active("mithran-backend") == [3, 4]
    assert [a.rsplit(":", 1)[1] for a in result["kept"]] == ["3", "4"]
    failed, result = run_module(mod, dict(families=["mithran-backend"], keep=2))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("args,needle", [
    (dict(families=["bad family"]), "families: 'bad family' is not a task definition family"),
    (dict(families=["mithran-backend"], keep=-1), "keep must be 0 or more"),
])
def test_bad_input_makes_no_call(run_module, monkeypatch, args, needle):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    failed, result = run_module(mod, args)
    assert failed and needle in result["msg"]


# ---- duplicates_of: the revision a lost RegisterTaskDefinition answer adds (docs/resilience.md) ----

from botocore import handlers as botocore_handlers  # noqa: E402
from botocore.exceptions import ReadTimeoutError  # noqa: E402

from ansible_collections.community.aws.plugins.modules import ecs_taskdefinition  # noqa: E402


@pytest.fixture
def lose_first_registration(monkeypatch):
    """A real fault on the emulator: the first RegisterTaskDefinition reaches moto (which registers the revision),
    then its answer is lost (ReadTimeoutError, as a dropped connection), and botocore's standard retry mode
    sends the call again. Registered after moto's own before-send handler, so moto has answered first.
    Armed by appending True to the list it returns; it then holds the URL of the lost call."""
    lost = []

    def handler(request, event_name, **kwargs):
        if event_name.endswith(".RegisterTaskDefinition") and lost == [True]:
            lost[0] = request.url
            raise ReadTimeoutError(endpoint_url=request.url)

    monkeypatch.setattr(botocore_handlers, "BUILTIN_HANDLERS", botocore_handlers.BUILTIN_HANDLERS + [("before-send", handler)])
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    return lost


def taskdef(image="nginx:1.27", **extra):
    args = dict(family="mithran-frontend", state="present", launch_type="FARGATE", network_mode="awsvpc", cpu="256",
                memory="512", containers=[{"name": "frontend", "image": image, "essential": True,
                                           "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]}])
    args.update(extra)
    return args


def test_lost_registration_answer_leaves_one_active_revision(run_module, aws, lose_first_registration):
    failed, older = run_module(ecs_taskdefinition, taskdef(image="nginx:1.26"))  # a release's earlier image: kept
    assert not failed and older["taskdefinition"]["revision"] == 1
    lose_first_registration.append(True)
    failed, result = run_module(ecs_taskdefinition, taskdef())
    assert not failed and result["changed"], result
    assert lose_first_registration[0] not in (True, None), "the fault did not happen"
    # The residue this option exists for: the lost call registered 2, botocore's retry 3, the module returns 3.
    assert active("mithran-frontend") == [1, 2, 3]
    registered = result["taskdefinition"]["taskDefinitionArn"]
    assert registered.endswith(":3")

    failed, planned = run_module(mod, dict(duplicates_of=[registered]), check_mode=True)
    assert not failed and planned["changed"] and [a.rsplit(":", 1)[1] for a in planned["deregistered"]] == ["2"]
    assert active("mithran-frontend") == [1, 2, 3]

    failed, result = run_module(mod, dict(duplicates_of=[registered]))
    assert not failed and result["changed"] and result["kept"] == [registered]
    assert active("mithran-frontend") == [1, 3]  # exactly one ACTIVE revision of what was sent

    # The next deploy reuses revision 3 and finds nothing to deregister.
    failed, again = run_module(ecs_taskdefinition, taskdef())
    assert not failed and not again["changed"] and again["taskdefinition"]["revision"] == 3
    failed, result = run_module(mod, dict(duplicates_of=[registered]))
    assert not failed and not result["changed"] and result["deregistered"] == []


def test_duplicates_differ_in_tags_or_roles_are_kept(run_module, aws):
    ecs = boto3.client("ecs")
    base = dict(family="mithran-backend", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    ecs.register_task_definition(**base)  # an older release identical to it (rolled back to): not a lost answer
    ecs.register_task_definition(**base, tags=[{"key": "Service", "value": "backend"}])
    ecs.register_task_definition(**base, taskRoleArn="arn:aws:iam::123456789012:role/mithran-backend-task")
    ecs.register_task_definition(**base)  # 4 and 5: what two lost answers leave below 6
    ecs.register_task_definition(**base)
    ecs.register_task_definition(**base)
    arn = ecs.describe_task_definition(taskDefinition="mithran-backend:6")["taskDefinition"]["taskDefinitionArn"]
    failed, result = run_module(mod, dict(duplicates_of=[arn]))
    assert not failed and [a.rsplit(":", 1)[1] for a in result["deregistered"]] == ["5", "4"]
    assert active("mithran-backend") == [1, 2, 3, 6]
    failed, result = run_module(mod, dict(duplicates_of=[]))
    assert not failed and not result["changed"]


def test_the_next_deploy_after_a_kill_reuses_the_older_copy_and_drops_the_newer(run_module, aws):
    """Killed between the registration and the clean-up: 2 (lost answer) and 3 (returned) are identical.
    community.aws.ecs_taskdefinition then reuses the oldest identical revision, 2: the copy above it goes."""
    failed, _ = run_module(ecs_taskdefinition, taskdef(image="nginx:1.26"))
    register_args = dict(family="mithran-frontend", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                         memory="512", containerDefinitions=[{"name": "frontend", "image": "nginx:1.27", "essential": True,
                                                              "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]}])
    ecs = boto3.client("ecs")
    ecs.register_task_definition(**register_args)
    ecs.register_task_definition(**register_args)
    failed, reused = run_module(ecs_taskdefinition, taskdef())
    assert not failed and not reused["changed"] and reused["taskdefinition"]["revision"] == 2
    failed, result = run_module(mod, dict(duplicates_of=[reused["taskdefinition"]["taskDefinitionArn"]]))
    assert not failed and [a.rsplit(":", 1)[1] for a in result["deregistered"]] == ["3"]
    assert active("mithran-frontend") == [1, 2]


def test_many_releases_cost_two_describes(run_module, aws, monkeypatch):
    """After many releases a deploy still reads only the given revision and the one below it."""
    ecs = boto3.client("ecs")
    for tag in range(30):
        ecs.register_task_definition(family="mithran-frontend",
                                     containerDefinitions=[{"name": "app", "image": "nginx:1.%d" % tag, "memory": 128}])
    arn = ecs.describe_task_definition(taskDefinition="mithran-frontend:30")["taskDefinition"]["taskDefinitionArn"]
    described = []
    real = mod.definition

    def counting(module, client, revision_arn):
        described.append(revision_arn)
        return real(module, client, revision_arn)

    monkeypatch.setattr(mod, "definition", counting)
    failed, result = run_module(mod, dict(duplicates_of=[arn]))
    assert not failed and not result["changed"] and len(active("mithran-frontend")) == 30
    assert [a.rsplit(":", 1)[1] for a in described] == ["30", "29"]


@pytest.mark.parametrize("args,word", [
    (dict(duplicates_of=["mithran-frontend:3"]), "duplicates_of"),
    (dict(duplicates_of=["arn:aws:ecs:us-west-2:123456789012:task-definition/mithran-frontend"]), "duplicates_of"),
    (dict(families=["mithran-frontend"], duplicates_of=[]), "mutually exclusive"),
    (dict(), "one of"),
])
def test_duplicates_of_bad_input(run_module, aws, args, word):
    register("mithran-frontend", 2)
    failed, result = run_module(mod, args)
    assert failed and word in result["msg"], result
    assert active("mithran-frontend") == [1, 2]
