from huey.contrib.djhuey import db_task

from lis.exchange import jobs


@db_task()
def run_import_job(job_id: int) -> None:
    jobs.run_job(job_id)
