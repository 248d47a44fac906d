use crate::api::prelude::*;

/// Marks a report dealt with. The community's facilitators only.
#[utoipa::path(post, path = "/reports/{id}/resolve", tag = "moderation", params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, body = ReportView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolve_report(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ReportView>> {
    Ok(Json(
        services::moderation::resolve(&state, &auth, id)
            .await?
            .into(),
    ))
}
