"""playbooks/release.yml on the local emulator: a new image tag makes a new task definition revision that
the service runs, the other service is untouched, and a later deploy keeps the released tag."""


def _service(ecs, name):
    [svc] = ecs.describe_services(cluster="mithran-local", services=[name])["services"]
    return svc


def _image(ecs, task_definition):
    return ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]["containerDefinitions"][0]["image"]


def test_release_rolls_a_new_revision_and_deploy_keeps_it(emulator, run_playbook):
    deploy = run_playbook("tests/integration/playbooks/app-layer.yml")
    assert deploy.rc == 0, deploy.output[-3000:]
    ecs = emulator.client("ecs")
    backend_before = _service(ecs, "backend-service")["taskDefinition"]
    frontend_before = _service(ecs, "frontend-service")["taskDefinition"]
    assert backend_before.split("/")[-1] == "mithran-backend:1"
    assert _image(ecs, backend_before).endswith("/mithran-backend:1.0.0")

    release = run_playbook("playbooks/release.yml", extra_vars={"release_image_tags": {"backend": "1.1.0"}})
    assert release.rc == 0, release.output[-3000:]
    backend_after = _service(ecs, "backend-service")["taskDefinition"]
    # AWS answers the ARN; moto answers what UpdateService was given (family:revision)
    assert backend_after.split("/")[-1] == "mithran-backend:2", backend_after
    assert _image(ecs, backend_after).endswith("/mithran-backend:1.1.0")
    assert _service(ecs, "frontend-service")["taskDefinition"] == frontend_before
    assert "mithran-backend:2" in release.output  # the report names the new revision

    # A deploy without tags keeps what the release set: no new revision, no change at all.
    again = run_playbook("tests/integration/playbooks/app-layer.yml")
    assert again.rc == 0, again.output[-3000:]
    assert again.changed() == 0, "deploy after a release is not a no-op:\n" + again.output[-5000:]
    assert _service(ecs, "backend-service")["taskDefinition"] == backend_after
    families = ecs.list_task_definitions(familyPrefix="mithran-backend")["taskDefinitionArns"]
    assert len(families) == 2


def test_release_refuses_bad_input_before_any_change(emulator, run_playbook):
    result = run_playbook("playbooks/release.yml", extra_vars={"release_image_tags": {"worker": "1.0.0"}})
    assert result.rc != 0
    assert "worker is not a service" in result.output
    result = run_playbook("playbooks/release.yml", inventory="prod", extra_vars={"release_image_tags": {"backend": "latest"}})
    assert result.rc != 0
    assert "latest is not allowed in prod" in result.output
    assert emulator.client("ecs").list_clusters()["clusterArns"] == []
