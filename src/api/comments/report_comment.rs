use crate::api::posts::ReportRequest;
use crate::api::prelude::*;
use crate::services::moderation::ReportTarget;

/// Reports a comment to its community's facilitators.
#[utoipa::path(post, path = "/comments/{id}/report", tag = "moderation", request_body = ReportRequest, params(("id" = i64, Path, description = "Comment id")),
    responses((status = 201, body = ReportView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn report_comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReportRequest>,
) -> AppResult<(StatusCode, Json<ReportView>)> {
    let report =
        services::moderation::report(&state, &auth, ReportTarget::Comment(id), &req.reason).await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}
