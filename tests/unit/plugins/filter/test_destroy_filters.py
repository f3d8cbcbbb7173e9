"""The line destroy.yml prints for a data store it kept."""

from ansible_collections.mithran.platform.plugins.filter.destroy import kept_line


def test_counts_and_plural():
    entry = dict(name="mithran-cad-files", exists=True, holds_data=True, count=3, count_is_partial=False)
    assert kept_line(entry, "S3 bucket", "object version", "destroy_empty_buckets") == (
        "S3 bucket mithran-cad-files: kept, it holds 3 object versions (-e destroy_empty_buckets=true deletes it with them)")
    one = dict(entry, count=1)
    assert "holds 1 object version (" in kept_line(one, "S3 bucket", "object version", "destroy_empty_buckets")


def test_partial_count_and_stored_bytes():
    many = dict(name="mithran-backend", count=1000, count_is_partial=True)
    assert "holds at least 1000 images" in kept_line(many, "ECR repository", "image", "destroy_empty_repositories")
    bytes_only = dict(name="/aws/ecs/mithran", count=0, count_is_partial=False, stored_bytes=2048)
    assert "holds 2048 stored bytes" in kept_line(bytes_only, "log group", "log stream", "destroy_empty_log_groups")
