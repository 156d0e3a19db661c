//! `esmsim sweep --emit slurm|k8s`: the job files that run a sweep's shards as an array
//! job on a cluster and then merge them, instead of running the sweep here.
//!
//! The files are text built from a [`ClusterJob`] by pure functions ([`slurm`], [`k8s`]);
//! only [`emit`] touches the file system. Each shard runs `esmsim sweep --shard i/n
//! --resume` into its own folder (a retried task continues where it stopped) and the merge
//! step, submitted with a dependency on the whole array, runs `esmsim merge` into the
//! sweep's output folder, which then holds exactly the files one unsharded sweep writes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;

use crate::output::write::write_atomic;

/// The batch system to write job files for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClusterKind {
    /// A Slurm array job (`sbatch --array`) and a merge job that depends on it.
    Slurm,
    /// A Kubernetes Indexed Job and a merge Job applied once it has completed.
    K8s,
}

/// Everything the job files name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterJob {
    /// Sweep name (job names derive from it).
    pub name: String,
    /// The sweep file, as the cluster's tasks see it.
    pub sweep_file: PathBuf,
    /// Number of shards (array tasks).
    pub shards: u32,
    /// Worker threads (CPUs) per shard.
    pub jobs: u16,
    /// The esmsim program the tasks run (Slurm; Kubernetes runs `esmsim` from the image).
    pub program: PathBuf,
    /// Folder of the job files, the shards' outputs (`shards/<i>/`) and the logs.
    pub job_dir: PathBuf,
    /// Where the merge step writes the sweep's outputs.
    pub out: PathBuf,
    /// Container image (Kubernetes).
    pub image: String,
    /// Persistent volume claim mounted at `/results` (Kubernetes).
    pub claim: String,
}

/// A file to write: its name inside the job folder, its text, whether it is executable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobFile {
    /// File name inside [`ClusterJob::job_dir`].
    pub name: &'static str,
    /// Contents.
    pub text: String,
    /// Written with the executable bit (the submit script).
    pub executable: bool,
}

/// A path or word quoted for a POSIX shell: in single quotes, each `'` as `'\''`.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn quote_path(path: &Path) -> String {
    quote(&path.to_string_lossy())
}

/// The shard folders, in shard order.
fn shard_dirs(job: &ClusterJob) -> Vec<PathBuf> {
    (0..job.shards)
        .map(|i| job.job_dir.join("shards").join(i.to_string()))
        .collect()
}

/// `sweep.sbatch`, `merge.sbatch` and `submit.sh` for Slurm.
pub fn slurm(job: &ClusterJob) -> Vec<JobFile> {
    let program = quote_path(&job.program);
    let logs = job.job_dir.join("logs");
    let mut sweep = String::new();
    let _ = writeln!(sweep, "#!/bin/sh");
    let _ = writeln!(
        sweep,
        "# Shards of sweep {}: one array task per shard. Submit with submit.sh,",
        job.name
    );
    let _ = writeln!(sweep, "# which also queues the merge after every task.");
    let _ = writeln!(sweep, "#SBATCH --job-name={}", job.name);
    let _ = writeln!(sweep, "#SBATCH --array=0-{}", job.shards - 1);
    let _ = writeln!(sweep, "#SBATCH --cpus-per-task={}", job.jobs);
    let _ = writeln!(sweep, "#SBATCH --output={}/shard-%a.out", logs.display());
    let _ = writeln!(
        sweep,
        "exec {program} sweep {} --shard \"$SLURM_ARRAY_TASK_ID/{}\" --out {}/\"$SLURM_ARRAY_TASK_ID\" --jobs {} --resume --no-charts --quiet",
        quote_path(&job.sweep_file),
        job.shards,
        quote_path(&job.job_dir.join("shards")),
        job.jobs,
    );

    let mut merge = String::new();
    let _ = writeln!(merge, "#!/bin/sh");
    let _ = writeln!(
        merge,
        "# Merge of sweep {}: runs after every shard succeeded (submit.sh).",
        job.name
    );
    let _ = writeln!(merge, "#SBATCH --job-name={}-merge", job.name);
    let _ = writeln!(merge, "#SBATCH --output={}/merge.out", logs.display());
    let shards: Vec<String> = shard_dirs(job).iter().map(|d| quote_path(d)).collect();
    let _ = writeln!(
        merge,
        "exec {program} merge {} --out {}",
        shards.join(" "),
        quote_path(&job.out)
    );

    let mut submit = String::new();
    let _ = writeln!(submit, "#!/bin/sh");
    let _ = writeln!(
        submit,
        "# Queues the shards of sweep {} and the merge that waits for them.",
        job.name
    );
    let _ = writeln!(submit, "set -eu");
    let _ = writeln!(submit, "cd {}", quote_path(&job.job_dir));
    let _ = writeln!(submit, "mkdir -p logs");
    let _ = writeln!(submit, "array=$(sbatch --parsable sweep.sbatch)");
    let _ = writeln!(submit, "array=${{array%%;*}}");
    let _ = writeln!(
        submit,
        "merge=$(sbatch --parsable --dependency=afterok:\"$array\" merge.sbatch)"
    );
    let _ = writeln!(submit, "merge=${{merge%%;*}}");
    let _ = writeln!(submit, "echo \"$array $merge\"");

    vec![
        JobFile {
            name: "sweep.sbatch",
            text: sweep,
            executable: false,
        },
        JobFile {
            name: "merge.sbatch",
            text: merge,
            executable: false,
        },
        JobFile {
            name: "submit.sh",
            text: submit,
            executable: true,
        },
    ]
}

/// A Kubernetes object name: lower case letters, digits and `-`, at most 52 characters
/// (room for the `-merge` suffix and the pods' index suffix).
fn k8s_name(name: &str) -> String {
    let mapped: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let trimmed = mapped.trim_matches('-');
    let cut: String = trimmed.chars().take(52).collect();
    let cut = cut.trim_end_matches('-');
    if cut.is_empty() {
        "esmsim-sweep".to_string()
    } else {
        cut.to_string()
    }
}

/// `sweep-job.yaml`, `merge-job.yaml` and `submit.sh` for Kubernetes. The shards and the
/// merged outputs live on the claim mounted at `/results`: `/results/<name>-shards/<i>` and
/// `/results/<name>`; the sweep file path is the one given, inside the image.
pub fn k8s(job: &ClusterJob) -> Vec<JobFile> {
    let name = k8s_name(&job.name);
    let sweep_file = job.sweep_file.to_string_lossy();
    let pod = |command: &str| {
        format!(
            "      restartPolicy: Never
      containers:
        - name: esmsim
          image: {image}
          command: [\"sh\", \"-c\"]
          args:
            - >-
              {command}
          resources:
            requests: {{cpu: \"{cpus}\", memory: 1Gi}}
          volumeMounts:
            - {{name: results, mountPath: /results}}
      volumes:
        - name: results
          persistentVolumeClaim: {{claimName: {claim}}}
",
            image = job.image,
            cpus = job.jobs,
            claim = job.claim,
        )
    };
    let shard_command = format!(
        "esmsim sweep {} --shard \"$JOB_COMPLETION_INDEX/{}\" --out \"/results/{name}-shards/$JOB_COMPLETION_INDEX\" --jobs {} --resume --no-charts --quiet",
        quote(&sweep_file),
        job.shards,
        job.jobs
    );
    let sweep = format!(
        "# Shards of sweep {}: one pod per shard (Indexed Job); submit.sh applies it, waits,
# then applies merge-job.yaml.
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  completionMode: Indexed
  completions: {shards}
  parallelism: {shards}
  backoffLimitPerIndex: 3
  template:
    spec:
{pod}",
        job.name,
        shards = job.shards,
        pod = pod(&shard_command),
    );
    let shard_dirs: Vec<String> = (0..job.shards)
        .map(|i| format!("/results/{name}-shards/{i}"))
        .collect();
    let merge_command = format!(
        "esmsim merge {} --out /results/{name}",
        shard_dirs.join(" ")
    );
    let merge = format!(
        "# Merge of sweep {}: apply after the shards' Job has completed (submit.sh does).
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}-merge
spec:
  backoffLimit: 3
  template:
    spec:
{pod}",
        job.name,
        pod = pod(&merge_command),
    );
    let submit = format!(
        "#!/bin/sh
# Runs the shards of sweep {} on the current kubectl context, then the merge.
set -eu
cd {}
kubectl apply -f sweep-job.yaml
kubectl wait --for=condition=complete --timeout=24h job/{name}
kubectl apply -f merge-job.yaml
kubectl wait --for=condition=complete --timeout=1h job/{name}-merge
",
        job.name,
        quote_path(&job.job_dir),
    );
    vec![
        JobFile {
            name: "sweep-job.yaml",
            text: sweep,
            executable: false,
        },
        JobFile {
            name: "merge-job.yaml",
            text: merge,
            executable: false,
        },
        JobFile {
            name: "submit.sh",
            text: submit,
            executable: true,
        },
    ]
}

/// Writes the job files of `kind` into the job folder (each atomically) and returns their
/// paths.
///
/// # Errors
///
/// A folder or file that cannot be written, naming it.
pub fn emit(kind: ClusterKind, job: &ClusterJob) -> anyhow::Result<Vec<PathBuf>> {
    let files = match kind {
        ClusterKind::Slurm => slurm(job),
        ClusterKind::K8s => k8s(job),
    };
    std::fs::create_dir_all(job.job_dir.join("logs"))
        .with_context(|| format!("cannot create {}", job.job_dir.display()))?;
    let mut written = Vec::new();
    for file in files {
        let path = job.job_dir.join(file.name);
        write_atomic(&path, file.text.as_bytes())?;
        if file.executable {
            set_executable(&path)?;
        }
        written.push(path);
    }
    Ok(written)
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> ClusterJob {
        ClusterJob {
            name: "size it".into(),
            sweep_file: PathBuf::from("/work/it's/sweep.yaml"),
            shards: 3,
            jobs: 2,
            program: PathBuf::from("/opt/esmsim"),
            job_dir: PathBuf::from("/jobs/size"),
            out: PathBuf::from("/out/size"),
            image: "registry.example.com/esmsim:1".into(),
            claim: "results".into(),
        }
    }

    #[test]
    fn slurm_files_run_every_shard_then_merge_them_in_order() {
        let files = slurm(&job());
        let names: Vec<&str> = files.iter().map(|f| f.name).collect();
        assert_eq!(names, ["sweep.sbatch", "merge.sbatch", "submit.sh"]);
        let sweep = &files[0].text;
        assert!(sweep.contains("#SBATCH --array=0-2\n"), "{sweep}");
        assert!(sweep.contains("#SBATCH --cpus-per-task=2\n"), "{sweep}");
        assert!(
            sweep.contains(
                "exec '/opt/esmsim' sweep '/work/it'\\''s/sweep.yaml' --shard \"$SLURM_ARRAY_TASK_ID/3\" --out '/jobs/size/shards'/\"$SLURM_ARRAY_TASK_ID\" --jobs 2 --resume"
            ),
            "{sweep}"
        );
        assert!(
            files[1].text.contains(
                "merge '/jobs/size/shards/0' '/jobs/size/shards/1' '/jobs/size/shards/2' --out '/out/size'\n"
            ),
            "{}",
            files[1].text
        );
        assert!(files[2].executable && !files[0].executable);
        assert!(
            files[2]
                .text
                .contains("--dependency=afterok:\"$array\" merge.sbatch")
        );
    }

    #[test]
    fn k8s_files_name_valid_objects_and_every_shard() {
        let files = k8s(&job());
        assert!(
            files[0].text.contains("  name: size-it\n"),
            "{}",
            files[0].text
        );
        assert!(files[0].text.contains("  completions: 3\n"));
        assert!(
            files[0]
                .text
                .contains("image: registry.example.com/esmsim:1\n")
        );
        assert!(files[1].text.contains("  name: size-it-merge\n"));
        assert!(files[1].text.contains(
            "esmsim merge /results/size-it-shards/0 /results/size-it-shards/1 /results/size-it-shards/2 --out /results/size-it"
        ));
        for file in &files[..2] {
            let parsed: serde_json::Value = serde_saphyr::from_str(&file.text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", file.name));
            assert_eq!(parsed["kind"], "Job");
        }
    }

    #[test]
    fn k8s_names_are_dns_labels() {
        assert_eq!(k8s_name("Size_The Consumer!"), "size-the-consumer");
        assert_eq!(k8s_name("***"), "esmsim-sweep");
        assert_eq!(k8s_name(&"x".repeat(80)).len(), 52);
    }
}
