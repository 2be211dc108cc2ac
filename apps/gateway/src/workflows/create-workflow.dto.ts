import { IsBoundedName, IsStepList } from '@app/sample-kit';

/** Body of `POST /api/v1/workflows`. */
export class CreateWorkflowDto {
  @IsBoundedName(200)
  name!: string;

  @IsStepList()
  steps!: string[];
}
